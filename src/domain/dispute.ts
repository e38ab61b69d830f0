/** Disputes: a subject's objection to a record, with a deadline for the filing agency. Pure rules. */

import { addDays } from './duration.ts';
import type { RecordType } from './policy.ts';

export type DisputeStatus = 'open' | 'overdue' | 'resolved';

export type DisputeOutcome = 'upheld' | 'corrected' | 'revoked';
export const DISPUTE_OUTCOMES: readonly DisputeOutcome[] = ['upheld', 'corrected', 'revoked'];

/** FCRA, 15 U.S.C. § 1681i(a)(1)(A): 30 days to reinvestigate, unless the record type says otherwise. */
export const DEFAULT_DISPUTE_DAYS = 30;

/** The agency's deadline for a dispute opened at `openedAt`. */
export function disputeDueAt(type: RecordType | undefined, openedAt: Date): Date {
  return addDays(openedAt, type?.dispute.days ?? DEFAULT_DISPUTE_DAYS);
}

/**
 * The record's status while disputed: `disputed` keeps counting (a decision of a competent
 * authority stays in force while contested), `suspended` stops counting (a factual claim).
 */
export function statusWhileDisputed(type: RecordType | undefined): 'disputed' | 'suspended' {
  return type?.dispute.while_disputed === 'keep' ? 'disputed' : 'suspended';
}

/** True when a dispute is past its deadline, whether or not the scheduler has marked it yet. */
export function isOverdue(dispute: { status: DisputeStatus; due_at: Date }, now: Date): boolean {
  return dispute.status === 'overdue' || (dispute.status === 'open' && dispute.due_at <= now);
}
