/**
 * The in-memory decision index: every identifier whose subject decides differently from an
 * unknown subject, mapped to a small integer that encodes its grade and active lists, and to the
 * instant its subject's evaluation next changes by itself (a listing's end, a notice period's):
 * past that instant the entry is stale until the scheduled jobs re-evaluate the subject, and a
 * decision reads the subject from the database instead (decisions.service.ts). Each scheme's
 * entries are sharded (state-table.ts), so one scheme may hold more than 2^24 identifiers.
 * Decisions for a (state, action) pair are computed once from the policy and cached (policy-codes.ts).
 *
 * While a policy activation rescores the registry a page of subjects at a time (policy.service.ts), the index
 * knows two policies: the one in force and the one being activated. A subject the activation has reached is
 * stored with NEXT_BIT and decided under the new policy; every other under the policy in force; each decision
 * names the version it was made under. When the activation completes, the index is rebuilt under the new policy.
 */

import type { Policy } from '../../domain/policy.ts';
import type { RelatedListing } from '../../domain/related.ts';
import { type DecisionTemplate, PolicyCodes, RELATED_BIT } from './policy-codes.ts';
import { changeSeconds } from './state-shard.ts';
import { StateTable } from './state-table.ts';

export { type DecisionTemplate, RELATED_BIT } from './policy-codes.ts';

/**
 * Set in a state code encoded under the policy being activated (above RELATED_BIT; an Int32Array holds it). Codes
 * without it are the policy in force's.
 */
export const NEXT_BIT = RELATED_BIT << 1;
/** What `freshCode` answers for an entry whose next change has come: no state code is negative. */
export const STALE = -1;

/** The columns of a subject's stored state (subject_state) the index reads; null where the subject has none. */
export interface IndexedState {
  readonly indexed: boolean | null;
  readonly grade: string | null;
  readonly active_lists: readonly string[] | null;
  readonly related: readonly unknown[] | null;
  /** The policy the state was last written under; absent: the policy in force. */
  readonly policy_digest?: string | null;
  /** The subject's id, where known: an activation's cursor says which policy decides it. */
  readonly subject_id?: string;
}

export interface DecisionIndexOptions {
  /** Shards per identifier scheme (a power of two; default 16): tests pass a small one. */
  readonly shards?: number;
}

export class DecisionIndex {
  /** The policy in force. */
  readonly policy: Policy;
  /** scheme → identifier value → state code and next change; per-scheme tables avoid building `scheme:value` keys. */
  private readonly codes = new Map<string, StateTable>();
  private readonly shards: number | undefined;
  private readonly current: PolicyCodes;
  /** The policy being activated, and the last subject id its activation has rescored (as the ledger said). */
  private next: { readonly codes: PolicyCodes; through: bigint } | null = null;
  /**
   * scheme → identifier value → the related listings binding the subject (only where RELATED_BIT is set). Not
   * sharded: only persons bound through a listed organisation are here, a few per listed organisation.
   */
  private readonly related = new Map<string, Map<string, readonly RelatedListing[]>>();
  readonly baseCode: number;

  constructor(policy: Policy, options: DecisionIndexOptions = {}) {
    this.policy = policy;
    this.shards = options.shards;
    this.current = new PolicyCodes(policy);
    this.baseCode = this.current.baseCode;
  }

  get size(): number {
    let size = 0;
    for (const values of this.codes.values()) size += values.size;
    return size;
  }

  /** The policy being activated, if an activation is under way. */
  get nextPolicy(): Policy | undefined {
    return this.next?.codes.policy;
  }

  /**
   * An activation of `policy` has rescored every subject up to `through` (a subject id): states evaluated under it
   * are indexed with NEXT_BIT from now on.
   */
  activating(policy: Policy, through: string): void {
    if (this.next === null || this.next.codes.policy.digest !== policy.digest)
      this.next = { codes: new PolicyCodes(policy), through: 0n };
    if (BigInt(through) > this.next.through) this.next.through = BigInt(through);
  }

  /** The policy a subject is decided under: the one being activated once its activation has reached the subject. */
  policyOf(subjectId: string): Policy {
    return this.next !== null && BigInt(subjectId) <= this.next.through ? this.next.codes.policy : this.policy;
  }

  /**
   * Whether a state is decided under the policy being activated: its subject is at or before the activation's
   * cursor (a page leaves a subject whose state did not change as it was, naming the old policy), or the state was
   * written under the new policy (a subject switched early, early-switch.ts; and the warm-up's rows, which carry no
   * subject id).
   */
  private isNext(state: IndexedState): boolean {
    const next = this.next!;
    if (state.subject_id !== undefined && BigInt(state.subject_id) <= next.through) return true;
    return state.policy_digest === next.codes.policy.digest;
  }

  /** Encodes a state under the policy in force. */
  encode(grade: string, activeLists: readonly string[], related = false): number {
    return this.current.encode(grade, activeLists, related);
  }

  /**
   * A subject's state as the projections hold it (subject_state) turned into what the index keeps: its state code
   * and the related listings binding it, their ends dropped (a decision holds as long as the state does: see
   * measuresFor). A state that is not indexed is the base state. A state evaluated under the policy being activated
   * is encoded under it, with NEXT_BIT (never the base code: such a subject is not decided under the policy in
   * force): see isNext. The warm-up, the ledger follower and a decision read afresh all go through here.
   */
  entryOf(state: IndexedState): { code: number; related: RelatedListing[] } {
    const next = this.next !== null && this.isNext(state) ? this.next.codes : null;
    const codes = next ?? this.current;
    const flag = next === null ? 0 : NEXT_BIT;
    if (state.indexed !== true) return { code: flag | codes.baseCode, related: [] };
    const related = ((state.related ?? []) as RelatedListing[]).map((l) => ({ ...l, until: null }));
    return { code: flag | codes.encode(state.grade ?? '', state.active_lists ?? [], related.length > 0), related };
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
    return this.codesOf(code).decideWith(action, code & ~NEXT_BIT, listings);
  }

  /**
   * Records an identifier's state and the instant its subject's evaluation next changes by itself (null: never);
   * the base state is not stored.
   */
  set(scheme: string, value: string, code: number, nextChange: Date | null = null): void {
    this.setState(scheme, value, code, changeSeconds(nextChange));
  }

  /** `set` with the next change as state-table.ts keeps it (changeSeconds): no Date made. */
  setState(scheme: string, value: string, code: number, change: number): void {
    const values = this.tableOf(scheme);
    if (code === this.baseCode) values.delete(value);
    else values.set(value, code, change);
  }

  /** `setState` for the value whose UTF-8 bytes are [start, end) of `bytes`: the warm-up's path, no string made. */
  setStateBytes(scheme: string, bytes: Uint8Array, start: number, end: number, code: number, change: number): void {
    const values = this.tableOf(scheme);
    if (code === this.baseCode) values.deleteBytes(bytes, start, end);
    else values.setBytes(bytes, start, end, code, change);
  }

  /** Room for `identifiers` entries of a scheme whose values total `bytes` (UTF-8): the warm-up's estimate. */
  reserve(scheme: string, identifiers: number, bytes: number): void {
    this.tableOf(scheme).reserve(identifiers, bytes);
  }

  private tableOf(scheme: string): StateTable {
    let values = this.codes.get(scheme);
    if (values === undefined) {
      values = new StateTable(this.shards);
      this.codes.set(scheme, values);
    }
    return values;
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
    return (code & RELATED_BIT) === 0 ? this.decider(action)(code) : this.decideRelated(scheme, value, action, code);
  }

  /** A function from state code (without RELATED_BIT) to decision for one action: resolve the action once per batch. */
  decider(action: string): (code: number) => DecisionTemplate {
    if (!this.policy.actions.has(action)) throw new Error(`unknown action ${action}`); // checkGrant refuses it first
    const current = this.current.decider(action);
    if (this.next === null) return current;
    const next = this.next.codes.decider(action);
    return (code) => ((code & NEXT_BIT) === 0 ? current(code) : next(code & ~NEXT_BIT));
  }

  private codesOf(code: number): PolicyCodes {
    return (code & NEXT_BIT) === 0 || this.next === null ? this.current : this.next.codes;
  }
}
