/**
 * Notices for due process: corrections, revocations, disputes and credit repair. Each records what
 * happened as a kind and parameters (the record, the agency's reason, the dispute and its deadline),
 * the record's legal basis and the consequences now: every measure that applies to the subject after
 * the change (none, if it lifted the last one). Pure builders beside those in notice.ts; the words are
 * chosen when a notice is read, in the reader's language.
 */

import type { Evaluation } from './evaluate.ts';
import { addDays } from './duration.ts';
import { DEFAULT_DISPUTE_DAYS, type DisputeOutcome } from './dispute.ts';
import { recordParams, type Consequence, type NoticeDraft, type NoticeKind, type NoticeParams } from './notice.ts';
import type { Policy } from './policy.ts';
import type { CreditRecord } from './record.ts';

export interface DisputeRef {
  readonly id: string;
  readonly due_at: Date;
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
  policy: Policy,
  kind: NoticeKind,
  record: CreditRecord,
  evaluation: Evaluation,
  params: NoticeParams,
  disputeBy: Date | null = null,
): NoticeDraft {
  return {
    policy,
    kind,
    subject_id: record.subject_id,
    agency_id: record.agency_id,
    record_id: record.id,
    list_id: null,
    legal_basis: record.legal_basis,
    params: { ...recordParams(record), status: record.status, ...params },
    consequences: consequencesNow(evaluation),
    dispute_by: disputeBy,
  };
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
    policy,
    'record.corrected',
    record,
    evaluation,
    { version: change.version, reason: change.reason },
    addDays(change.at, days),
  );
}

/** Told when the filing agency revokes a record: it no longer counts, and stays in the history marked revoked. */
export function recordRevokedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  reason: string,
): NoticeDraft {
  return draft(policy, 'record.revoked', record, evaluation, { reason });
}

/** Told when a credit repair is approved (NDRC credit repair measures): the record's effect ends at once. */
export function recordRepairedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  reason: string,
): NoticeDraft {
  return draft(policy, 'record.repaired', record, evaluation, { reason });
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
  return draft(policy, 'repair.refused', record, evaluation, { reason });
}

/** Told when a dispute is opened: the agency's deadline, and whether the record counts meanwhile. */
export function disputeOpenedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  dispute: DisputeRef,
): NoticeDraft {
  return draft(policy, 'dispute.opened', record, evaluation, {
    dispute_id: dispute.id,
    due_at: dispute.due_at.toISOString(),
  });
}

/** Told when the filing agency resolves a dispute: the outcome and the reason. */
export function disputeResolvedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  dispute: DisputeRef,
  resolution: { outcome: DisputeOutcome; reason: string },
): NoticeDraft {
  return draft(policy, 'dispute.resolved', record, evaluation, {
    dispute_id: dispute.id,
    outcome: resolution.outcome,
    reason: resolution.reason,
  });
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
  return draft(policy, 'dispute.overdue', record, evaluation, {
    dispute_id: dispute.id,
    due_at: dispute.due_at.toISOString(),
  });
}

/**
 * Told when the agency lets a repair application's deadline pass undecided (Fa Shi [2017] 7 art. 10: 3 working days;
 * NDRC Order No. 36 (2025): 10): the application stays pending, marked overdue; the record is unchanged.
 */
export function repairOverdueNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  dueAt: Date,
): NoticeDraft {
  return draft(policy, 'repair.overdue', record, evaluation, { due_at: dueAt.toISOString() });
}

/** Told when the registry's operator adds a note to a record (issue 13): shown as the operator's, beside the record. */
export function recordNotedNotice(
  policy: Policy,
  record: CreditRecord,
  evaluation: Evaluation,
  note: string,
): NoticeDraft {
  return draft(policy, 'record.noted', record, evaluation, { note });
}
