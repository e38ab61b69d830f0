/**
 * How a notice is stored small (issue 12, city scale: "a notice is a kind and its parameters, rendered when read; a
 * notice row ≤ 300 bytes on average"). A notice names the policy it was written under by reference, and keeps only
 * what that policy cannot give back:
 *
 * - its consequences as the measures' places in the policy (a related person's binding as the place's complement)
 *   with their dates, grouped where the dates are shared: the effect, the actions and the legal basis are the
 *   policy's;
 * - its legal basis only where it is not the one the policy gives for the notice's list, record type or
 *   relationship;
 * - its parameters under short keys, dates as milliseconds since the epoch, an empty `lists` left out.
 *
 * Rendering with the same policy gives back exactly what was drafted (test/notice-storage.test.ts); a consequence
 * the policy cannot give back (a measure it does not have) is kept as drafted. Pure.
 */

import { sha256Hex } from './canonical.ts';
import type { Consequence, NoticeDraft, NoticeParams } from './notice.ts';
import type { Measure, Policy } from './policy.ts';

/**
 * A consequence as stored: its measure's place among the policy's measures ordered by id, or −(place + 1) where it
 * binds a related person. By id, not as listed: the digest is over the policy's canonical JSON (keys sorted), so the
 * same digest may have been built with its measures listed in another order (from YAML files, or from the store).
 */
type MeasureCode = number;
/** Consequences sharing their dates: `[from, until, ...codes]`, dates in milliseconds since the epoch or null. */
export type MeasureGroup = readonly (number | null)[];

/** A consequence as the notice views show it (dates as ISO 8601 text, as they were stored as JSON). */
export interface ConsequenceView {
  readonly from: string | null;
  readonly until: string | null;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly measure: string;
  readonly legal_basis: string;
}

/** What a notice keeps beyond its kind, subject, agency, record, list and dates. */
export interface NoticeStorage {
  readonly policy_ref: string;
  /** Null where it is the policy's (noticeLegalBasis). */
  readonly legal_basis: string | null;
  readonly params: Readonly<Record<string, unknown>>;
  /** Null where there are none. */
  readonly measures: readonly MeasureGroup[] | null;
  /** Only where the policy cannot give them back; otherwise null. */
  readonly consequences: readonly Consequence[] | null;
}

const SHORT_KEYS: Readonly<Record<keyof NoticeParams, string>> = {
  record_type: 't',
  document_ref: 'r',
  decided_at: 'd',
  lists: 'l',
  record_count: 'n',
  from: 'f',
  until: 'u',
  ended_at: 'e',
  version: 'v',
  status: 's',
  reason: 'y',
  dispute_id: 'i',
  due_at: 'b',
  outcome: 'o',
  open_ended_until: 'c',
  max_duration: 'x',
  relationship_id: 'h',
  role: 'p',
  organization: 'g',
  organization_id: 'k',
  note: 'm',
  policy_version: 'pv',
  policy_activated_at: 'pa',
};
const LONG_KEYS: ReadonlyMap<string, string> = new Map(
  Object.entries(SHORT_KEYS).map(([long, short]) => [short, long]),
);
const DATE_KEYS: ReadonlySet<string> = new Set([
  'decided_at',
  'from',
  'until',
  'ended_at',
  'due_at',
  'open_ended_until',
  'policy_activated_at',
]);

/**
 * A policy's reference in stored notices: the first 8 bytes of its digest as a signed 64-bit integer (decimal text),
 * as migration 021's `policies_ref` index computes it. A digest that is not hex (a hand-made policy) is hashed first.
 */
export function policyRef(digest: string): string {
  const hex = /^[0-9a-f]{16}/.test(digest) ? digest : sha256Hex(digest);
  return BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString();
}

/** The legal basis a notice of this kind takes from the policy, if the policy gives one. */
export function noticeLegalBasis(
  policy: Policy,
  notice: { readonly kind: string; readonly list_id: string | null },
  params: NoticeParams,
  consequences: readonly { readonly legal_basis: string }[],
): string | undefined {
  const list = notice.list_id === null ? undefined : policy.lists.get(notice.list_id)?.legal_basis.en;
  if (notice.kind.startsWith('list.') || notice.kind === 'related.ended') return list;
  if (notice.kind === 'related.started') return consequences[0]?.legal_basis ?? list;
  if (notice.kind.startsWith('relationship.')) return policy.relationships?.legal_basis.en;
  if (notice.kind === 'commitment.filed') return policy.repair.commitment?.legal_basis.en;
  return params.record_type === undefined ? undefined : policy.record_types.get(params.record_type)?.legal_basis.en;
}

const millis = (date: Date | string | null): number | null =>
  date === null ? null : date instanceof Date ? date.getTime() : new Date(date).getTime();
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const sameActions = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

interface MeasuresById {
  readonly measures: readonly Measure[];
  readonly places: ReadonlyMap<string, number>;
}

const BY_ID = new WeakMap<Policy, MeasuresById>();

/** The policy's measures ordered by id, and each one's place (once per policy). */
function measuresById(policy: Policy): MeasuresById {
  let known = BY_ID.get(policy);
  if (known === undefined) {
    const measures = [...policy.measures].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    known = { measures, places: new Map(measures.map((m, i) => [m.id, i])) };
    BY_ID.set(policy, known);
  }
  return known;
}

/** The code of a consequence in `policy`, or undefined where the policy cannot give it back. */
function measureCode(policy: Policy, c: Consequence): MeasureCode | undefined {
  const { measures, places } = measuresById(policy);
  const place = places.get(c.measure) ?? -1;
  const m = measures[place];
  if (m === undefined || m.effect !== c.effect || !sameActions(m.actions, c.actions)) return undefined;
  if (c.legal_basis === m.legal_basis.en) return place;
  return c.legal_basis === m.binds_related?.legal_basis.en ? -(place + 1) : undefined;
}

/** The consequences as measure groups; undefined where one of them is not the policy's. */
function measureGroups(policy: Policy, consequences: readonly Consequence[]): MeasureGroup[] | undefined {
  const groups: (number | null)[][] = [];
  // A listing's consequences share their dates: each is read once, not once per consequence.
  const from = lastMillis();
  const until = lastMillis();
  for (const c of consequences) {
    const code = measureCode(policy, c);
    if (code === undefined) return undefined;
    const start = from(c.from);
    const end = until(c.until);
    const last = groups.at(-1);
    if (last !== undefined && last[0] === start && last[1] === end) last.push(code);
    else groups.push([start, end, code]);
  }
  return groups;
}

/** `millis`, remembering its last date: the same date (the same string or Date) is not parsed again. */
function lastMillis(): (date: Date | string | null) => number | null {
  let seen: Date | string | null | undefined;
  let ms: number | null = null;
  return (date) => {
    if (date !== seen) {
      seen = date;
      ms = millis(date);
    }
    return ms;
  };
}

function compactParams(kind: string, params: NoticeParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (key === 'lists' && kind === 'record.filed' && Array.isArray(value) && value.length === 0) continue;
    const short = SHORT_KEYS[key as keyof NoticeParams] ?? key;
    const date = DATE_KEYS.has(key) && typeof value === 'string' ? new Date(value) : undefined;
    // Only a date that reads back as the very same text is kept as a number.
    out[short] = date !== undefined && !Number.isNaN(date.getTime()) && date.toISOString() === value ? +date : value;
  }
  return out;
}

/** What a drafted notice stores, given the policy it was drafted under (`draft.policy`). */
export function storeNotice(draft: NoticeDraft): NoticeStorage {
  const { policy } = draft;
  const groups = measureGroups(policy, draft.consequences);
  const basis = noticeLegalBasis(policy, draft, draft.params, draft.consequences);
  return {
    policy_ref: policyRef(policy.digest),
    legal_basis: basis === draft.legal_basis ? null : draft.legal_basis,
    params: compactParams(draft.kind, draft.params),
    measures: groups === undefined || groups.length === 0 ? null : groups,
    consequences: groups === undefined ? draft.consequences : null,
  };
}

/** Keys in the order PostgreSQL's jsonb keeps them (shorter first, then bytewise), as notices were read before 021. */
function inJsonbOrder<T extends object>(value: T): T {
  const entries = Object.entries(value).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries) as T;
}

/** The parameters as drafted, from their stored form. */
export function readParams(kind: string, stored: Readonly<Record<string, unknown>>): NoticeParams {
  const out: Record<string, unknown> = {};
  for (const [short, value] of Object.entries(stored)) {
    const key = LONG_KEYS.get(short) ?? short;
    out[key] = DATE_KEYS.has(key) && typeof value === 'number' ? iso(value) : value;
  }
  if (kind === 'record.filed' && out.lists === undefined) out.lists = [];
  return inJsonbOrder(out) as NoticeParams;
}

function consequenceView(m: Measure, related: boolean, from: number | null, until: number | null): ConsequenceView {
  return {
    from: iso(from),
    until: iso(until),
    effect: m.effect,
    actions: m.actions,
    measure: m.id,
    legal_basis: related ? (m.binds_related?.legal_basis.en ?? m.legal_basis.en) : m.legal_basis.en,
  };
}

/** The consequences, rendered from the policy the notice was written under. */
export function readConsequences(policy: Policy, groups: readonly MeasureGroup[] | null): ConsequenceView[] {
  const out: ConsequenceView[] = [];
  for (const [from = null, until = null, ...codes] of groups ?? []) {
    for (const code of codes) {
      const related = code! < 0;
      const m = measuresById(policy).measures[related ? -code! - 1 : code!];
      if (m !== undefined) out.push(consequenceView(m, related, from, until));
    }
  }
  return out;
}
