/**
 * The in-memory decision index: every identifier whose subject decides differently from an
 * unknown subject, mapped to a small integer that encodes its grade and active lists, and to the
 * instant its subject's evaluation next changes by itself (a listing's end, a notice period's):
 * past that instant the entry is stale until the scheduled jobs re-evaluate the subject, and a
 * decision reads the subject from the database instead (decisions.service.ts). Each scheme's
 * entries are sharded (state-table.ts), so one scheme may hold more than 2^24 identifiers.
 * Decisions for a (state, action) pair are computed once from the policy and cached.
 */

import {
  decideAction,
  MAX_LISTS,
  STATE_GRADE_BITS,
  stateEncodingProblems,
  type ActionDecision,
} from '../../domain/decide.ts';
import { measuresFor, relatedMeasuresFor, type AppliedMeasure } from '../../domain/measures.ts';
import { gradeFor, type Policy } from '../../domain/policy.ts';
import type { RelatedListing, RelatedVia } from '../../domain/related.ts';
import { CredenceError } from '../../errors.ts';
import { changeSeconds, StateTable } from './state-table.ts';

const GRADE_MASK = (1 << STATE_GRADE_BITS) - 1;
/**
 * Set in a state code when measures bind the subject through a related organisation's listing (Fa Shi [2015] 17
 * art. 3 para. 2): the one bit above the grade and list bits (still a small integer). Such a subject's decisions
 * name the organisation and the relationship, so they are built per subject from `related`, not cached per code.
 */
export const RELATED_BIT = 1 << (STATE_GRADE_BITS + MAX_LISTS);
/** What `freshCode` answers for an entry whose next change has come: no state code is negative. */
export const STALE = -1;

/** The columns of a subject's stored state (subject_state) the index reads; null where the subject has none. */
export interface IndexedState {
  readonly indexed: boolean | null;
  readonly grade: string | null;
  readonly active_lists: readonly string[] | null;
  readonly related: readonly unknown[] | null;
}

export interface DecisionIndexOptions {
  /** Shards per identifier scheme (a power of two; default 16): tests pass a small one. */
  readonly shards?: number;
}

export interface DecisionTemplate extends ActionDecision {
  readonly reasons: readonly string[];
  readonly measureViews: readonly {
    id: string;
    effect: string;
    list: string | null;
    grade: string | null;
    legal_basis: string;
    /** Where the measure binds the subject through an organisation: the organisation and the relationship. */
    related?: RelatedVia;
  }[];
}

export class DecisionIndex {
  readonly policy: Policy;
  /** scheme → identifier value → state code and next change; per-scheme tables avoid building `scheme:value` keys. */
  private readonly codes = new Map<string, StateTable>();
  private readonly shards: number | undefined;
  private readonly listBits = new Map<string, number>();
  private readonly grades: string[];
  private readonly actionIndex = new Map<string, number>();
  private readonly templates = new Map<string, Map<number, DecisionTemplate>>();
  /**
   * scheme → identifier value → the related listings binding the subject (only where RELATED_BIT is set). Not
   * sharded: only persons bound through a listed organisation are here, a few per listed organisation.
   */
  private readonly related = new Map<string, Map<string, readonly RelatedListing[]>>();
  readonly baseCode: number;

  constructor(policy: Policy, options: DecisionIndexOptions = {}) {
    this.policy = policy;
    this.shards = options.shards;
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

  encode(grade: string, activeLists: readonly string[], related = false): number {
    let mask = 0;
    for (const list of activeLists) mask |= this.listBits.get(list) ?? 0;
    return (related ? RELATED_BIT : 0) | (mask << STATE_GRADE_BITS) | Math.max(0, this.grades.indexOf(grade));
  }

  /**
   * A subject's state as the projections hold it (subject_state) turned into what the index keeps: its state code
   * and the related listings binding it, their ends dropped (a decision holds as long as the state does: see
   * measuresFor). A state that is not indexed is the base state. The warm-up, the ledger follower and a decision read
   * afresh all go through here.
   */
  entryOf(state: IndexedState): { code: number; related: RelatedListing[] } {
    if (state.indexed !== true) return { code: this.baseCode, related: [] };
    const related = ((state.related ?? []) as RelatedListing[]).map((l) => ({ ...l, until: null }));
    return { code: this.encode(state.grade ?? '', state.active_lists ?? [], related.length > 0), related };
  }

  /** Records the related listings binding an identifier's subject (none: forgotten). */
  setRelated(scheme: string, value: string, listings: readonly RelatedListing[]): void {
    let values = this.related.get(scheme);
    if (listings.length === 0) {
      values?.delete(value);
      return;
    }
    if (values === undefined) {
      values = new Map();
      this.related.set(scheme, values);
    }
    values.set(value, listings);
  }

  /**
   * The decision for a subject whose code has RELATED_BIT: its own state's measures and those binding it through
   * related organisations, each naming the organisation, the relationship and the law.
   */
  decideRelated(scheme: string, value: string, action: string, code: number): DecisionTemplate {
    return this.decideWith(action, code, this.related.get(scheme)?.get(value) ?? []);
  }

  /** The decision for a state code and the related listings binding the subject (a subject read afresh). */
  decideWith(action: string, code: number, listings: readonly RelatedListing[]): DecisionTemplate {
    const own = this.decider(action)(code & ~RELATED_BIT);
    const derived = decideAction(relatedMeasuresFor(this.policy, listings), action);
    if (derived.measures.length === 0) return own;
    return this.template(decideAction([...own.measures, ...derived.measures], action), action);
  }

  /**
   * Records an identifier's state and the instant its subject's evaluation next changes by itself (null: never);
   * the base state is not stored.
   */
  set(scheme: string, value: string, code: number, nextChange: Date | null = null): void {
    this.setState(scheme, value, code, changeSeconds(nextChange));
  }

  /** `set` with the next change as state-table.ts keeps it (changeSeconds): the warm-up's path, no Date made. */
  setState(scheme: string, value: string, code: number, change: number): void {
    let values = this.codes.get(scheme);
    if (values === undefined) {
      values = new StateTable(this.shards);
      this.codes.set(scheme, values);
    }
    if (code === this.baseCode) values.delete(value);
    else values.set(value, code, change);
  }

  /** The identifier's state code as indexed, stale or not. */
  code(scheme: string, value: string): number {
    return this.codes.get(scheme)?.code(value, this.baseCode) ?? this.baseCode;
  }

  /** The identifier's state code, or STALE when its subject's next change is at or before `now`. */
  freshCode(scheme: string, value: string, now: Date): number {
    const values = this.codes.get(scheme);
    return values === undefined ? this.baseCode : values.freshCode(value, this.baseCode, now.getTime() / 1000, STALE);
  }

  /** When the identifier's subject's evaluation next changes by itself, as indexed (to the second), or null. */
  nextChange(scheme: string, value: string): Date | null {
    const seconds = this.codes.get(scheme)?.nextChange(value) ?? null;
    return seconds === null ? null : new Date(seconds * 1000);
  }

  /** Entries per shard of a scheme, in shard order (empty for a scheme with none). */
  shardSizes(scheme: string): number[] {
    return this.codes.get(scheme)?.shardSizes ?? [];
  }

  /** The decision for an identifier and a known action. */
  decide(scheme: string, value: string, action: string): DecisionTemplate {
    const code = this.code(scheme, value);
    return code < RELATED_BIT ? this.decider(action)(code) : this.decideRelated(scheme, value, action, code);
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
    return this.template(decideAction(measuresFor(this.policy, { grade, lists }), action), action);
  }

  private template(decision: ActionDecision, action: string): DecisionTemplate {
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
          ...(m.related === undefined ? {} : { related: m.related }),
        })),
      ),
    });
  }

  private reason(m: AppliedMeasure, action: string): string {
    const listed =
      m.list === undefined ? '' : `listed on ${m.list} (${this.policy.lists.get(m.list)?.legal_basis.en ?? ''})`;
    if (m.related !== undefined) {
      // Fa Shi [2015] 17 art. 3 para. 2: the decision names the organisation, the relationship and the law.
      const { organization, relationship_id, role } = m.related;
      const roleName = this.policy.relationships?.roles.get(role)?.name.en ?? role;
      return (
        `${m.effect} ${action}: ${roleName} (relationship ${relationship_id}) of ${organization.name} ` +
        `(${organization.scheme} ${organization.id}), which is ${listed}; measure ${m.id} binds related persons ` +
        `under ${m.legal_basis}`
      );
    }
    const why = m.list !== undefined ? listed : `credit grade ${m.grade}`;
    return `${m.effect} ${action}: ${why}; measure ${m.id} under ${m.legal_basis}`;
  }
}
