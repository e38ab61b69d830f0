/**
 * Notices for due process: corrections, revocations, disputes and credit repair. Each says
 * what happened, which agency, the record's legal basis and the consequences now: every
 * measure that applies to the subject after the change (none, if it lifted the last one).
 * Pure builders beside those in notice.ts, in English like them.
 */

import type { Evaluation } from './evaluate.ts';
import { addDays } from './duration.ts';
import { DEFAULT_DISPUTE_DAYS, type DisputeOutcome } from './dispute.ts';
import type { Consequence, NoticeDraft, NoticeKind } from './notice.ts';
import type { Policy } from './policy.ts';
import type { CreditRecord } from './record.ts';

export interface DisputeRef {
  readonly id: string;
  readonly due_at: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function typeName(policy: Policy, record: CreditRecord): string {
  return policy.record_types.get(record.type)?.name.en ?? record.type;
}

function describe(policy: Policy, record: CreditRecord): string {
  return `the record "${typeName(policy, record)}" (${record.document_ref}) filed by ${record.agency_id}`;
}

/** The measures in effect on the subject after the change. */
function consequencesNow(evaluation: Evaluation): Consequence[] {
  return evaluation.measures.map((m) => ({
    measure: m.id,
    effect: m.effect,
    actions: m.actions,
    legal_basis: m.legal_basis,
    from: null,
    until: m.until,
  }));
}

function draft(
  kind: NoticeKind,
  record: CreditRecord,
  evaluation: Evaluation,
  what: string,
  dispute: { how: string; by: Date } | null = null,
): NoticeDraft {
  return {
    kind,
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    record_id: record.id,
    list_id: null,
    legal_basis: record.legal_basis,
    what,
    consequences: consequencesNow(evaluation),
    how_to_dispute: dispute?.how ?? null,
    dispute_by: dispute?.by ?? null,
  };
}

function countingNow(record: CreditRecord): string {
  if (record.status === 'active') return 'It counts from now on as corrected.';
  if (record.status === 'disputed') return 'It keeps counting while disputed.';
  return `It is ${record.status} and does not count.`;
}

/** Told when the filing agency corrects a record: a new version, with the reason. It can be disputed afresh. */
export function recordCorrectedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  change: { version: number; reason: string; at: Date },
): NoticeDraft {
  const days = policy.record_types.get(record.type)?.dispute.days ?? DEFAULT_DISPUTE_DAYS;
  return draft(
    'record.corrected',
    record,
    evaluation,
    `${record.agency_id} corrected ${describe(policy, record)}; it is now version ${change.version}. ` +
      `Reason: ${change.reason}. ${countingNow(record)}`,
    {
      how:
        `If the corrected record is still wrong, open a dispute with POST /v1/records/${record.id}/disputes ` +
        '(or ask an operator to do it for you).',
      by: addDays(change.at, days),
    },
  );
}

/** Told when the filing agency revokes a record: it no longer counts, and stays in the history marked revoked. */
export function recordRevokedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  reason: string,
): NoticeDraft {
  return draft(
    'record.revoked',
    record,
    evaluation,
    `${record.agency_id} revoked ${describe(policy, record)}. Reason: ${reason}. ` +
      'It no longer counts towards your score, lists or measures, and stays in your history marked revoked.',
  );
}

/** Told when a credit repair is approved (NDRC credit repair measures): the record's effect ends at once. */
export function recordRepairedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  reason: string,
): NoticeDraft {
  return draft(
    'record.repaired',
    record,
    evaluation,
    `${record.agency_id} approved your credit repair of ${describe(policy, record)}. Reason: ${reason}. ` +
      'It no longer counts towards your score or lists and is no longer published; ' +
      'it stays in your history marked repaired.',
  );
}

/**
 * Told when a credit repair application is refused, with the reason; a new application with new evidence may
 * follow.
 */
export function repairRefusedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  reason: string,
): NoticeDraft {
  return draft(
    'repair.refused',
    record,
    evaluation,
    `${record.agency_id} refused your credit repair application for ${describe(policy, record)}. Reason: ${reason}. ` +
      `You may apply again with new evidence (POST /v1/records/${record.id}/repairs).`,
  );
}

/** Told when a dispute is opened: the agency's deadline, and whether the record counts meanwhile. */
export function disputeOpenedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  dispute: DisputeRef,
): NoticeDraft {
  const meanwhile =
    record.status === 'disputed'
      ? 'It keeps counting meanwhile: it is a decision of a competent authority, in force while contested.'
      : 'It does not count meanwhile.';
  return draft(
    'dispute.opened',
    record,
    evaluation,
    `Your dispute ${dispute.id} of ${describe(policy, record)} is open. ` +
      `${record.agency_id} must answer by ${day(dispute.due_at)}, ` +
      `or the record stops counting until it does. ${meanwhile}`,
  );
}

const OUTCOME_TEXT: Record<DisputeOutcome, string> = {
  upheld:
    'upheld the record as it stands. You may attach a statement, shown with the record in every report ' +
    '(POST /v1/disputes/{id}/statement).',
  corrected: 'corrected the record. The corrected version counts from now on.',
  revoked: 'revoked the record. It no longer counts and stays in your history marked revoked.',
};

/** Told when the filing agency resolves a dispute: the outcome and the reason. */
export function disputeResolvedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  dispute: DisputeRef,
  resolution: { outcome: DisputeOutcome; reason: string },
): NoticeDraft {
  return draft(
    'dispute.resolved',
    record,
    evaluation,
    `Your dispute ${dispute.id} of ${describe(policy, record)} is resolved: ${record.agency_id} ` +
      `${OUTCOME_TEXT[resolution.outcome].replace('{id}', dispute.id)} Reason: ${resolution.reason}.`,
  );
}

/**
 * Told when the agency lets a dispute's deadline pass (FCRA § 611(a)(5)(A)): the record stops counting until
 * resolved.
 */
export function disputeOverdueNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  dispute: DisputeRef,
): NoticeDraft {
  return draft(
    'dispute.overdue',
    record,
    evaluation,
    `${record.agency_id} did not answer your dispute ${dispute.id} of ${describe(policy, record)} ` +
      `by ${day(dispute.due_at)}. ` +
      'The record no longer counts towards your score, lists or measures until the dispute is resolved.',
  );
}
