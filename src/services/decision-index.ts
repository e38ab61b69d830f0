/**
 * The in-memory decision index: every identifier whose subject decides differently from an
 * unknown subject, mapped to a small integer that encodes its grade and active lists. Integers
 * are stored unboxed in the Map, so a listed subject costs only its key and a map slot.
 * Decisions for a (state, action) pair are computed once from the policy and cached.
 */

import { decideAction, type ActionDecision } from '../domain/decide.ts';
import type { AppliedMeasure } from '../domain/evaluate.ts';
import { gradeFor, type Policy } from '../domain/policy.ts';

const GRADE_BITS = 5;

export interface DecisionTemplate extends ActionDecision {
  readonly reasons: readonly string[];
  readonly measureViews: readonly { id: string; effect: string; list: string | null; grade: string | null; legal_basis: string }[];
}

export class DecisionIndex {
  readonly policy: Policy;
  private readonly codes = new Map<string, number>();
  private readonly listBits = new Map<string, number>();
  private readonly grades: string[];
  private readonly actionIndex = new Map<string, number>();
  private readonly templates = new Map<number, DecisionTemplate>();
  readonly baseCode: number;

  constructor(policy: Policy) {
    this.policy = policy;
    this.grades = policy.scoring.grades.map((g) => g.grade);
    if (this.grades.length >= 1 << GRADE_BITS || policy.lists.size > 24) throw new Error('policy too large for the index encoding');
    [...policy.lists.keys()].forEach((id, i) => this.listBits.set(id, 1 << i));
    [...policy.actions.keys()].forEach((id, i) => this.actionIndex.set(id, i));
    this.baseCode = this.encode(gradeFor(policy.scoring, policy.scoring.base), []);
  }

  get size(): number {
    return this.codes.size;
  }

  encode(grade: string, activeLists: readonly string[]): number {
    let mask = 0;
    for (const list of activeLists) mask |= this.listBits.get(list) ?? 0;
    return (mask << GRADE_BITS) | Math.max(0, this.grades.indexOf(grade));
  }

  /** Records an identifier's state; the base state is not stored. */
  set(scheme: string, value: string, code: number): void {
    const key = `${scheme}:${value}`;
    if (code === this.baseCode) this.codes.delete(key);
    else this.codes.set(key, code);
  }

  code(scheme: string, value: string): number {
    return this.codes.get(`${scheme}:${value}`) ?? this.baseCode;
  }

  /** The decision for an identifier and a known action. */
  decide(scheme: string, value: string, action: string): DecisionTemplate {
    return this.decideCode(this.code(scheme, value), action);
  }

  decideCode(code: number, action: string): DecisionTemplate {
    const actionIdx = this.actionIndex.get(action);
    if (actionIdx === undefined) throw new Error(`unknown action ${action}`);
    const cacheKey = code * 256 + actionIdx;
    let template = this.templates.get(cacheKey);
    if (template === undefined) {
      template = this.buildTemplate(code, action);
      this.templates.set(cacheKey, template);
    }
    return template;
  }

  private buildTemplate(code: number, action: string): DecisionTemplate {
    const grade = this.grades[code & ((1 << GRADE_BITS) - 1)]!;
    const mask = code >>> GRADE_BITS;
    const lists = [...this.listBits].filter(([, bit]) => (mask & bit) !== 0).map(([id]) => id);
    const measures: AppliedMeasure[] = [];
    for (const m of this.policy.measures) {
      const base = { id: m.id, effect: m.effect, actions: m.actions, legal_basis: m.legal_basis, until: null };
      if (m.list !== undefined && lists.includes(m.list)) measures.push({ ...base, list: m.list });
      else if (m.list === undefined && m.grades?.includes(grade) === true) measures.push({ ...base, grade });
    }
    const decision = decideAction(measures, action);
    return Object.freeze({
      ...decision,
      reasons: Object.freeze(decision.measures.map((m) => this.reason(m, action))),
      measureViews: Object.freeze(decision.measures.map((m) => ({ id: m.id, effect: m.effect, list: m.list ?? null, grade: m.grade ?? null, legal_basis: m.legal_basis }))),
    });
  }

  private reason(m: AppliedMeasure, action: string): string {
    const why = m.list !== undefined
      ? `listed on ${m.list} (${this.policy.lists.get(m.list)?.legal_basis ?? ''})`
      : `credit grade ${m.grade}`;
    return `${m.effect} ${action}: ${why}; measure ${m.id} under ${m.legal_basis}`;
  }
}
