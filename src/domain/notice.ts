/**
 * Notices: what a subject is told on every change that affects them. Pure builders: each says
 * what happened, which agency, the legal basis, the consequences (the measures that now apply,
 * to which actions, until when), and how to dispute and by when. Written in English, with the
 * policy's English texts (`.en`), until notices are stored as a kind and parameters (issue 11).
 */

import { addDays } from './duration.ts';
import type { AppliedMeasure, Evaluation, Membership } from './evaluate.ts';
import type { Policy } from './policy.ts';
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
  | 'repair.refused';

export interface Consequence {
  readonly measure: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly legal_basis: string;
  readonly from: Date | null;
  readonly until: Date | null;
}

export interface NoticeDraft {
  readonly kind: NoticeKind;
  readonly subject_id: string;
  readonly agency_id: string | null;
  readonly record_id: string | null;
  readonly list_id: string | null;
  readonly legal_basis: string;
  readonly what: string;
  readonly consequences: readonly Consequence[];
  readonly how_to_dispute: string | null;
  readonly dispute_by: Date | null;
}

const HOW_TO_DISPUTE =
  'Open a dispute with POST /v1/records/{id}/disputes (or ask an operator to do it for you), stating what is wrong; ' +
  'the filing agency must answer by the deadline, or the record stops counting until it does.';

function consequence(m: AppliedMeasure, from: Date | null): Consequence {
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
    kind: 'record.filed',
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    record_id: record.id,
    list_id: null,
    legal_basis: record.legal_basis,
    what:
      `${record.agency_id} filed a record "${type?.name.en ?? record.type}" (${record.document_ref}) about you, ` +
      `decided ${record.decided_at.toISOString().slice(0, 10)}.` +
      (lists.length > 0 ? ` It places you on: ${lists.join(', ')}.` : ''),
    consequences: evaluation.measures
      .filter((m) => m.list === undefined || lists.includes(m.list))
      .map((m) => consequence(m, null)),
    how_to_dispute: HOW_TO_DISPUTE.replace('{id}', record.id),
    dispute_by: addDays(record.filed_at, days),
  };
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
): NoticeDraft[] {
  const notices: NoticeDraft[] = [];
  const had = new Map(before.map((m) => [m.list, m]));
  const has = new Map(after.map((m) => [m.list, m]));
  for (const m of after) {
    const previous = had.get(m.list);
    if (previous !== undefined && membershipKey(previous) === membershipKey(m)) continue;
    const list = policy.lists.get(m.list);
    const base = {
      subject_id: subjectId,
      agency_id: null,
      record_id: m.records[0] ?? null,
      list_id: m.list,
      legal_basis: m.legal_basis,
      how_to_dispute: HOW_TO_DISPUTE.replace('{id}', m.records[0] ?? '{id}'),
    };
    if (m.status === 'pending') {
      notices.push({
        ...base,
        kind: 'list.pending',
        what:
          `You will be placed on ${list?.name.en ?? m.list} on ${m.effective_from.toISOString().slice(0, 10)}, ` +
          `unless the records it rests on (${m.records.join(', ')}) ` +
          'are corrected, revoked or successfully disputed before then.',
        consequences: listConsequences(policy, m),
        dispute_by: m.effective_from,
      });
    } else {
      notices.push({
        ...base,
        kind: 'list.started',
        what:
          `You are on ${list?.name.en ?? m.list} from ${m.effective_from.toISOString().slice(0, 10)} ` +
          `until ${m.until.toISOString().slice(0, 10)} at the latest, resting on records ${m.records.join(', ')}.`,
        consequences: listConsequences(policy, m),
        dispute_by: null,
      });
    }
  }
  for (const m of before) {
    if (has.has(m.list)) continue;
    notices.push({
      kind: 'list.ended',
      subject_id: subjectId,
      agency_id: null,
      record_id: null,
      list_id: m.list,
      legal_basis: m.legal_basis,
      what: `You are no longer on ${policy.lists.get(m.list)?.name.en ?? m.list}; its measures no longer apply.`,
      consequences: [],
      how_to_dispute: null,
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
  const type = policy.record_types.get(record.type);
  return {
    kind: 'record.expired',
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    record_id: record.id,
    list_id: null,
    legal_basis: record.legal_basis,
    what:
      `The record "${type?.name.en ?? record.type}" (${record.document_ref}) filed by ${record.agency_id} ` +
      `reached the end of its period on ${endedAt.toISOString().slice(0, 10)}. ` +
      'It no longer counts towards your score, lists or measures, and stays in your history marked expired.',
    consequences: [],
    how_to_dispute: null,
    dispute_by: null,
  };
}
