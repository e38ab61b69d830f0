/**
 * Notices: what a subject is told on every change that affects them. Pure builders: each records
 * what happened as a kind and parameters (ids, dates, the reason an agency gave; no sentences: issue 11,
 * "Messages as data"), which agency, the legal basis, the consequences (the measures that now apply, to
 * which actions, until when) and by when to dispute. The words are chosen when a notice is read, in the
 * reader's language (services/due-process/notice-text.ts); the consequences and legal basis are stored by reference
 * to the policy the notice was drafted under and rendered from it (notice-storage.ts).
 */

import { addDays, addDuration } from './duration.ts';
import type { Evaluation, Membership } from './evaluate.ts';
import type { AppliedMeasure } from './measures.ts';
import { resolveRecordTerms, type Policy, type RecordType } from './policy.ts';
import type { CreditRecord } from './record.ts';

export type NoticeKind =
  | 'record.filed'
  | 'record.corrected'
  | 'record.revoked'
  | 'record.expired'
  | 'record.repaired'
  | 'list.pending'
  | 'list.started'
  | 'list.ended'
  | 'dispute.opened'
  | 'dispute.resolved'
  | 'dispute.overdue'
  | 'repair.refused'
  | 'repair.overdue'
  | 'relationship.filed'
  | 'relationship.revoked'
  | 'related.started'
  | 'related.ended'
  | 'record.noted'
  | 'commitment.filed';

export interface Consequence {
  readonly measure: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly legal_basis: string;
  readonly from: Date | null;
  readonly until: Date | null;
}

/**
 * What a notice's sentences are made from: dates as ISO 8601, policy entries (record type, lists) by id, the agency's
 * own reason as it wrote it. Each kind uses some of them. Stored in `notices.params` under short keys, dates as
 * milliseconds (notice-storage.ts), and read back as they are here.
 */
export interface NoticeParams {
  /** The record's type, document reference and decision date. */
  readonly record_type?: string;
  readonly document_ref?: string;
  readonly decided_at?: string;
  /** The lists a filed record places the subject on. */
  readonly lists?: readonly string[];
  /** How many records a listing rests on. */
  readonly record_count?: number;
  /** A listing's start and latest end; a record's end of period. */
  readonly from?: string;
  readonly until?: string;
  readonly ended_at?: string;
  /** A correction's new version; the record's status after the change; the agency's reason. */
  readonly version?: number;
  readonly status?: string;
  readonly reason?: string;
  /** A dispute: its id, deadline and outcome. */
  readonly dispute_id?: string;
  readonly due_at?: string;
  readonly outcome?: string;
  /** A record without a fixed term: the latest it counts until, and the type's maximum duration (ISO 8601). */
  readonly open_ended_until?: string;
  readonly max_duration?: string;
  /** A relationship (Fa Shi [2015] 17 art. 3 para. 2): its id, the person's role, the organisation's name and id. */
  readonly relationship_id?: string;
  readonly role?: string;
  readonly organization?: string;
  readonly organization_id?: string;
  /** An operator's note on a record (issue 13), as written. */
  readonly note?: string;
  /**
   * A list change that a new policy made (its activation rescored the subject): the version and when it took
   * effect, so the notice says why (issue 10: "the change in list memberships is shown in its notice").
   */
  readonly policy_version?: string;
  readonly policy_activated_at?: string;
}

export interface NoticeDraft {
  /**
   * The policy the notice was drafted under: its consequences and legal basis are stored by reference to it and
   * rendered from it when read (domain/notice-storage.ts).
   */
  readonly policy: Policy;
  readonly kind: NoticeKind;
  readonly subject_id: string;
  readonly agency_id: string | null;
  readonly record_id: string | null;
  readonly list_id: string | null;
  readonly legal_basis: string;
  readonly params: NoticeParams;
  readonly consequences: readonly Consequence[];
  readonly dispute_by: Date | null;
}

/** The record's parameters every record notice names it by. */
export function recordParams(record: CreditRecord): NoticeParams {
  return { record_type: record.type, document_ref: record.document_ref, decided_at: record.decided_at.toISOString() };
}

/** A measure in effect as a notice names it: what it does, to which actions, on what basis, from and until when. */
export function consequence(m: AppliedMeasure, from: Date | null): Consequence {
  return { measure: m.id, effect: m.effect, actions: m.actions, legal_basis: m.legal_basis, from, until: m.until };
}

/** The measures a list brings, whether or not they apply yet (for pending memberships). */
function listConsequences(policy: Policy, membership: Membership): Consequence[] {
  return policy.measures
    .filter((m) => m.list === membership.list)
    .map((m) => ({
      measure: m.id,
      effect: m.effect,
      actions: m.actions,
      legal_basis: m.legal_basis.en,
      from: membership.effective_from,
      until: membership.until,
    }));
}

/** Told when a record about the subject is filed: the record, its basis and what it now does. */
export function recordFiledNotice(policy: Policy, record: CreditRecord, evaluation: Evaluation): NoticeDraft {
  const type = policy.record_types.get(record.type);
  const days = type?.dispute.days ?? 30;
  const lists = evaluation.lists.filter((m) => m.records.includes(record.id)).map((m) => m.list);
  return {
    policy,
    kind: 'record.filed',
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    record_id: record.id,
    list_id: null,
    legal_basis: record.legal_basis,
    params: { ...recordParams(record), lists, ...openEndedTerm(type, record) },
    consequences: evaluation.measures
      .filter((m) => m.list === undefined || lists.includes(m.list))
      .map((m) => consequence(m, null)),
    dispute_by: addDays(record.filed_at, days),
  };
}

/**
 * For a record without a term (Fa Shi [2017] 7 art. 10: a debtor able to perform but refusing is listed until
 * performance): it counts until the agency ends it, but DESIGN forbids unbounded listings, so never past the
 * type's maximum duration; past it, only a new decision by the agency can keep the subject listed.
 */
function openEndedTerm(type: RecordType | undefined, record: CreditRecord): NoticeParams {
  if (type === undefined || record.expires_at !== null) return {};
  if (resolveRecordTerms(type, record.attributes).duration !== null) return {};
  const cap = addDuration(record.decided_at, type.max_duration);
  return { open_ended_until: cap.toISOString(), max_duration: type.max_duration };
}

function membershipKey(m: Membership): string {
  return `${m.list}:${m.status}`;
}

/** Told when a list membership appears (pending or started), starts after its notice period, or ends. */
export function membershipNotices(
  policy: Policy,
  subjectId: string,
  before: readonly Membership[],
  after: readonly Membership[],
  activation?: { readonly at: Date },
): NoticeDraft[] {
  const notices: NoticeDraft[] = [];
  // A change made by activating `policy` names it; a change made by a record or by time needs no such words.
  const cause =
    activation === undefined
      ? {}
      : { policy_version: policy.version, policy_activated_at: activation.at.toISOString() };
  const had = new Map(before.map((m) => [m.list, m]));
  const has = new Map(after.map((m) => [m.list, m]));
  for (const m of after) {
    const previous = had.get(m.list);
    if (previous !== undefined && membershipKey(previous) === membershipKey(m)) continue;
    const base = {
      policy,
      subject_id: subjectId,
      agency_id: null,
      record_id: m.records[0] ?? null,
      list_id: m.list,
      legal_basis: m.legal_basis,
      params: {
        record_count: m.records.length,
        from: m.effective_from.toISOString(),
        until: m.until.toISOString(),
        ...cause,
      },
    };
    if (m.status === 'pending') {
      notices.push({
        ...base,
        kind: 'list.pending',
        consequences: listConsequences(policy, m),
        dispute_by: m.effective_from,
      });
    } else {
      notices.push({
        ...base,
        kind: 'list.started',
        consequences: listConsequences(policy, m),
        dispute_by: null,
      });
    }
  }
  for (const m of before) {
    if (has.has(m.list)) continue;
    notices.push({
      policy,
      kind: 'list.ended',
      subject_id: subjectId,
      agency_id: null,
      record_id: null,
      list_id: m.list,
      legal_basis: m.legal_basis,
      params: cause,
      consequences: [],
      dispute_by: null,
    });
  }
  return notices;
}

/**
 * Told when a record reaches the end of its counting period (the policy's maximum duration for
 * its tier, or the agency's own end date): it stops counting and stays in the history as expired.
 * NDRC credit repair measures: minor dishonesty at most 3 months, general 3 months to 1 year,
 * serious 1 to 3 years.
 */
export function recordExpiredNotice(policy: Policy, record: CreditRecord, endedAt: Date): NoticeDraft {
  return {
    policy,
    kind: 'record.expired',
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    record_id: record.id,
    list_id: null,
    legal_basis: record.legal_basis,
    params: { ...recordParams(record), ended_at: endedAt.toISOString() },
    consequences: [],
    dispute_by: null,
  };
}
