/**
 * The in-memory decision index: every identifier whose subject decides differently from an
 * unknown subject, mapped to a small integer that encodes its grade and active lists. Integers
 * are stored unboxed in the Map, so a listed subject costs only its key and a map slot.
 * Decisions for a (state, action) pair are computed once from the policy and cached.
 */

import { decideAction, STATE_GRADE_BITS, stateEncodingProblems, type ActionDecision } from '../../domain/decide.ts';
import { measuresFor, type AppliedMeasure } from '../../domain/evaluate.ts';
import { gradeFor, type Policy } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';

const GRADE_MASK = (1 << STATE_GRADE_BITS) - 1;

export interface DecisionTemplate extends ActionDecision {
  readonly reasons: readonly string[];
  readonly measureViews: readonly {
    id: string;
    effect: string;
    list: string | null;
    grade: string | null;
    legal_basis: string;
  }[];
}

export class DecisionIndex {
  readonly policy: Policy;
  /** scheme → identifier value → state code; per-scheme maps avoid building `scheme:value` keys. */
  private readonly codes = new Map<string, Map<string, number>>();
  private readonly listBits = new Map<string, number>();
  private readonly grades: string[];
  private readonly actionIndex = new Map<string, number>();
  private readonly templates = new Map<string, Map<number, DecisionTemplate>>();
  readonly baseCode: number;

  constructor(policy: Policy) {
    this.policy = policy;
    this.grades = policy.scoring.grades.map((g) => g.grade);
    // The policy loader refuses such a policy; this guards policies built some other way.
    const problems = stateEncodingProblems({ grades: this.grades.length, lists: policy.lists.size });
    if (problems.length > 0)
      throw new CredenceError('CRD_POLICY_INVALID', 'the policy is too large for the decision index', problems);
    for (const [i, id] of [...policy.lists.keys()].entries()) this.listBits.set(id, 1 << i);
    for (const [i, id] of [...policy.actions.keys()].entries()) this.actionIndex.set(id, i);
    this.baseCode = this.encode(gradeFor(policy.scoring, policy.scoring.base), []);
  }

  get size(): number {
    let size = 0;
    for (const values of this.codes.values()) size += values.size;
    return size;
  }

  encode(grade: string, activeLists: readonly string[]): number {
    let mask = 0;
    for (const list of activeLists) mask |= this.listBits.get(list) ?? 0;
    return (mask << STATE_GRADE_BITS) | Math.max(0, this.grades.indexOf(grade));
  }

  /** Records an identifier's state; the base state is not stored. */
  set(scheme: string, value: string, code: number): void {
    let values = this.codes.get(scheme);
    if (values === undefined) {
      values = new Map();
      this.codes.set(scheme, values);
    }
    if (code === this.baseCode) values.delete(value);
    else values.set(value, code);
  }

  code(scheme: string, value: string): number {
    return this.codes.get(scheme)?.get(value) ?? this.baseCode;
  }

  /** The decision for an identifier and a known action. */
  decide(scheme: string, value: string, action: string): DecisionTemplate {
    return this.decider(action)(this.code(scheme, value));
  }

  /** A function from state code to decision for one action: resolve the action once per batch. */
  decider(action: string): (code: number) => DecisionTemplate {
    let templates = this.templates.get(action);
    if (templates === undefined) {
      if (!this.actionIndex.has(action)) throw new Error(`unknown action ${action}`);
      templates = new Map();
      this.templates.set(action, templates);
    }
    const cache = templates;
    return (code) => {
      let template = cache.get(code);
      if (template === undefined) {
        template = this.buildTemplate(code, action);
        cache.set(code, template);
      }
      return template;
    };
  }

  private buildTemplate(code: number, action: string): DecisionTemplate {
    const grade = this.grades[code & GRADE_MASK]!;
    const mask = code >>> STATE_GRADE_BITS;
    const lists = [...this.listBits].filter(([, bit]) => (mask & bit) !== 0).map(([list]) => ({ list, until: null }));
    const measures = measuresFor(this.policy, { grade, lists });
    const decision = decideAction(measures, action);
    return Object.freeze({
      ...decision,
      reasons: Object.freeze(decision.measures.map((m) => this.reason(m, action))),
      measureViews: Object.freeze(
        decision.measures.map((m) => ({
          id: m.id,
          effect: m.effect,
          list: m.list ?? null,
          grade: m.grade ?? null,
          legal_basis: m.legal_basis,
        })),
      ),
    });
  }

  private reason(m: AppliedMeasure, action: string): string {
    const why =
      m.list !== undefined
        ? `listed on ${m.list} (${this.policy.lists.get(m.list)?.legal_basis.en ?? ''})`
        : `credit grade ${m.grade}`;
    return `${m.effect} ${action}: ${why}; measure ${m.id} under ${m.legal_basis}`;
  }
}
