/**
 * The functional core: one pure function turns a subject's records into a score, a grade,
 * ranked factors, list memberships and the measures in effect. The decision API, reports,
 * projections, rescoring and simulation all call it. No I/O and no clock: `now` is an input.
 */

import { addDays, addDuration } from './duration.ts';
import { measuresFor, relatedMeasuresFor, type AppliedMeasure } from './measures.ts';
import { gradeFor, resolveRecordTerms, type ListCriterion, type Policy, type RecordType } from './policy.ts';
import type { CreditRecord, SubjectFile } from './record.ts';
import { relatedInstants, relatedListings, type RelatedListing, type RelatedOrganization } from './related.ts';

export interface Factor {
  readonly record_id: string;
  readonly record_type: string;
  readonly agency_id: string;
  readonly points: number;
  readonly legal_basis: string;
}

export interface Membership {
  readonly list: string;
  readonly kind: 'sanction' | 'reward';
  /** `pending` during the list's notice period: it applies no measure yet. */
  readonly status: 'pending' | 'active';
  readonly since: Date;
  readonly effective_from: Date;
  readonly until: Date;
  /** The records the membership rests on, by id. */
  readonly records: readonly string[];
  readonly legal_basis: string;
}

export interface Evaluation {
  readonly score: number;
  readonly grade: string;
  readonly factors: readonly Factor[];
  readonly lists: readonly Membership[];
  readonly measures: readonly AppliedMeasure[];
  /** The listings of related organisations that bind the subject (a person) at the instant. */
  readonly related: readonly RelatedListing[];
  /** The next instant at which this evaluation changes with no new input, if any. */
  readonly next_change_at: Date | null;
}

interface CountedRecord {
  readonly record: CreditRecord;
  readonly type: RecordType;
  readonly points: number;
  readonly start: Date;
  readonly end: Date;
}

/** Statuses under which a record counts. `disputed` counts only where the type says `keep`. */
function statusCounts(record: CreditRecord, type: RecordType): boolean {
  if (record.status === 'active') return true;
  return record.status === 'disputed' && type.dispute.while_disputed === 'keep';
}

/**
 * The period in which a record counts: from `effective_at` (it never counts before it takes effect) until the
 * earliest of the agency's `expires_at`, the policy's duration for its terms and the type's maximum duration.
 * NDRC Order No. 36 (2025): periods run from the decision date, so both durations run from `decided_at`; a
 * record taking effect after its period has ended never counts. `extendedYears` (see `extensionYears`)
 * lengthens a record with a term by that many years, never past the type's maximum duration.
 */
export function recordWindow(
  type: RecordType,
  record: CreditRecord,
  terms = resolveRecordTerms(type, record.attributes),
  extendedYears = 0,
): { start: Date; end: Date } {
  const max = addDuration(record.decided_at, type.max_duration);
  let term: Date | null = terms.duration === null ? null : addDuration(record.decided_at, terms.duration);
  if (record.expires_at !== null) term = term === null ? record.expires_at : minDate(term, record.expires_at);
  if (term !== null && extendedYears > 0) term = addDuration(term, `P${extendedYears}Y`);
  return { start: record.effective_at, end: term === null ? max : minDate(max, term) };
}

/**
 * The years by which extensions lengthen records, by the extended record's id (Fa Shi [2013] 17 as amended by
 * Fa Shi [2017] 7, art. 2: the court may extend a listing by 1 to 3 years). An extension counts while its own
 * status counts (a revoked or repaired one extends nothing) and only for a record of the type it `extends`, in
 * the same subject's file. Several extensions add up; `recordWindow` caps the result at the maximum duration.
 */
export function extensionYears(policy: Policy, records: readonly CreditRecord[]): ReadonlyMap<string, number> {
  const years = new Map<string, number>();
  for (const record of records) {
    const type = policy.record_types.get(record.type);
    if (type?.extends === undefined || !statusCounts(record, type)) continue;
    const target = records.find((r) => r.id === record.attributes.listing);
    const n = Number(record.attributes.years);
    if (target?.type !== type.extends || target.subject_id !== record.subject_id || !(n > 0)) continue;
    years.set(target.id, (years.get(target.id) ?? 0) + n);
  }
  return years;
}

/** Each record with a known type, its points and its window, worked out once per evaluation. */
function assess(policy: Policy, records: readonly CreditRecord[]): CountedRecord[] {
  const assessed: CountedRecord[] = [];
  const extended = extensionYears(policy, records);
  for (const record of records) {
    const type = policy.record_types.get(record.type);
    if (type === undefined) continue;
    const terms = resolveRecordTerms(type, record.attributes);
    const { start, end } = recordWindow(type, record, terms, extended.get(record.id));
    assessed.push({ record, type, points: terms.points, start, end });
  }
  return assessed;
}

function countedRecords(assessed: readonly CountedRecord[], now: Date): CountedRecord[] {
  return assessed.filter((a) => statusCounts(a.record, a.type) && a.start <= now && now < a.end);
}

/** Most weight first; ties broken by recency, then id, so the order never depends on input order. */
function rankFactors(counted: readonly CountedRecord[], limit: number): Factor[] {
  return counted
    .filter((c) => c.points !== 0)
    .sort(
      (a, b) =>
        Math.abs(b.points) - Math.abs(a.points) ||
        b.record.effective_at.getTime() - a.record.effective_at.getTime() ||
        compareIds(a.record.id, b.record.id),
    )
    .slice(0, limit)
    .map((c) => ({
      record_id: c.record.id,
      record_type: c.record.type,
      agency_id: c.record.agency_id,
      points: c.points,
      legal_basis: c.record.legal_basis,
    }));
}

/** Whether a record meets a list's criterion: its type, and each attribute `where` names among the values given. */
export function meetsCriterion(
  criterion: ListCriterion,
  record: { readonly type: string; readonly attributes: Readonly<Record<string, string>> },
): boolean {
  return (
    criterion.record_type === record.type &&
    Object.entries(criterion.where ?? {}).every(([attr, values]) => values.includes(record.attributes[attr] ?? ''))
  );
}

/** Statuses under which a record stands in a subject's history: it counts, or it counted until its period ran out. */
const STANDING: readonly CreditRecord['status'][] = ['active', 'disputed', 'expired'];

/**
 * Whether `record` ends a run of `criterion.consecutive_years` years: its `year` attribute and the years before it
 * each have a standing record in `history` meeting the criterion (SAT Announcement 2025 No. 12: grade A three years
 * running). A criterion without `consecutive_years` asks for no run; a record without a year ends none.
 */
function endsRun(criterion: ListCriterion, record: CreditRecord, history: readonly CreditRecord[]): boolean {
  const years = criterion.consecutive_years;
  if (years === undefined) return true;
  const year = Number(record.attributes.year);
  if (!Number.isInteger(year)) return false;
  const held = new Set(
    history.filter((r) => STANDING.includes(r.status) && meetsCriterion(criterion, r)).map((r) => r.attributes.year),
  );
  for (let y = year - years + 1; y <= year; y++) if (!held.has(String(y))) return false;
  return true;
}

function memberships(policy: Policy, file: SubjectFile, counted: readonly CountedRecord[], now: Date): Membership[] {
  const result: Membership[] = [];
  for (const list of policy.lists.values()) {
    if (!list.subject_kinds.includes(file.kind)) continue;
    const resting = counted.filter((c) =>
      list.criteria.some(
        (criterion) => meetsCriterion(criterion, c.record) && endsRun(criterion, c.record, file.records),
      ),
    );
    if (resting.length === 0) continue;
    const since = minDate(...resting.map((c) => c.start));
    // NDRC Order No. 36 (2025): a listing's maximum runs from the first decision it rests on, not its start.
    const decided = minDate(...resting.map((c) => c.record.decided_at));
    const until = minDate(maxDate(...resting.map((c) => c.end)), addDuration(decided, list.max_duration));
    if (until <= now) continue;
    // The notice period runs from when the subject could first be told: the earliest filing.
    const noticeStart = maxDate(since, minDate(...resting.map((c) => c.record.filed_at)));
    const effectiveFrom = addDays(noticeStart, list.notice_days);
    result.push({
      list: list.id,
      kind: list.kind,
      status: now < effectiveFrom ? 'pending' : 'active',
      since,
      effective_from: effectiveFrom,
      until,
      records: resting.map((c) => c.record.id).sort(compareIds),
      // English, as decisions, notices and reports answer today; pages show the policy's texts in their language.
      legal_basis: list.legal_basis.en,
    });
  }
  return result;
}

/**
 * Statuses under which a record is still open, so reaching the end of its window is a change
 * to record (status `expired`), whether or not it counts meanwhile.
 */
export const OPEN_STATUSES: readonly CreditRecord['status'][] = ['active', 'disputed', 'suspended'];

/**
 * The next instant the evaluation changes by itself. An open record whose window has already
 * ended (filed late, or restored after a dispute) makes it a past instant: it is due now.
 */
function nextChange(
  assessed: readonly CountedRecord[],
  lists: readonly Membership[],
  related: readonly RelatedOrganization[],
  now: Date,
): Date | null {
  const instants: Date[] = relatedInstants(related);
  for (const m of lists) instants.push(m.until, m.effective_from);
  let overdue: Date | null = null;
  for (const a of assessed) {
    if (a.start > now) instants.push(a.start);
    // Every counted record is open, so its end is among these.
    if (!OPEN_STATUSES.includes(a.record.status)) continue;
    if (a.end > now) instants.push(a.end);
    else if (overdue === null || a.end < overdue) overdue = a.end;
  }
  if (overdue !== null) return overdue;
  const future = instants.filter((d) => d > now);
  return future.length === 0 ? null : minDate(...future);
}

/**
 * Evaluates one subject's file under a policy at an instant. Deterministic and order-independent. `related` gives
 * a person's relationships to organisations with the organisations' memberships at `now` (Fa Shi [2015] 17 art. 3
 * para. 2): the measures that bind related persons are added, each naming the organisation and the relationship.
 */
export function evaluateSubject(
  policy: Policy,
  file: SubjectFile,
  now: Date,
  related: readonly RelatedOrganization[] = [],
): Evaluation {
  if (file.records.length === 0 && related.length === 0) return emptyEvaluation(policy);
  const assessed = assess(policy, file.records);
  const counted = countedRecords(assessed, now);
  const score = counted.reduce((sum, c) => sum + c.points, policy.scoring.base);
  const grade = gradeFor(policy.scoring, score);
  const lists = memberships(policy, file, counted, now);
  // Only a person is related to organisations; most subjects have no relationship, and pay nothing for it.
  const considered = file.kind === 'person' ? related : [];
  const bound = considered.length === 0 ? [] : relatedListings(policy, considered, recordsOf(counted), now);
  const measures = measuresFor(policy, { grade, lists: lists.filter((m) => m.status === 'active') });
  return {
    score,
    grade,
    factors: rankFactors(counted, policy.scoring.factors_reported),
    lists,
    measures: bound.length === 0 ? measures : [...measures, ...relatedMeasuresFor(policy, bound)],
    related: bound,
    next_change_at: nextChange(assessed, lists, considered, now),
  };
}

function recordsOf(counted: readonly CountedRecord[]): CreditRecord[] {
  return counted.map((c) => c.record);
}

const EMPTY = new WeakMap<Policy, Evaluation>();

/** A subject with no records: the base score and grade, nothing else. Shared, frozen. */
function emptyEvaluation(policy: Policy): Evaluation {
  let evaluation = EMPTY.get(policy);
  if (evaluation === undefined) {
    evaluation = Object.freeze({
      score: policy.scoring.base,
      grade: gradeFor(policy.scoring, policy.scoring.base),
      factors: [],
      lists: [],
      measures: [],
      related: [],
      next_change_at: null,
    });
    EMPTY.set(policy, evaluation);
  }
  return evaluation;
}

/** Numeric ids compare as numbers (bigint-safe), anything else lexically. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function minDate(...dates: Date[]): Date {
  let min = dates[0]!;
  for (const d of dates) if (d.getTime() < min.getTime()) min = d;
  return min;
}

function maxDate(...dates: Date[]): Date {
  let max = dates[0]!;
  for (const d of dates) if (d.getTime() > max.getTime()) max = d;
  return max;
}
