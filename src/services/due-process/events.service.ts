/**
 * The ledger events of due process and what each does to the projections. A live change and a
 * ledger replay apply the very same function to the very same JSON payload (the live path
 * round-trips it through canonical JSON first), so a replay rebuilds records, record_versions,
 * disputes, repairs and commitments exactly as they were written. Every record status change is carried by
 * an event as `record_status`.
 */

import type { Transaction } from 'kysely';
import { canonicalJson } from '../../domain/canonical.ts';
import type { DisputeOutcome } from '../../domain/dispute.ts';
import type { Evaluation } from '../../domain/evaluate.ts';
import type { NoticeDraft } from '../../domain/notice.ts';
import type { Policy } from '../../domain/policy.ts';
import type { RecordStatus } from '../../domain/record.ts';
import {
  insertDispute,
  setDisputeOverdue,
  setDisputeResolved,
  setDisputeStatement,
  type NewDispute,
} from '../../store/disputes.repository.ts';
import {
  insertRecordVersion,
  setRecordStatus,
  updateRecordContent,
  type RecordContent,
} from '../../store/record-changes.repository.ts';
import { insertCommitment, type NewCommitment } from '../../store/commitments.repository.ts';
import { insertRecordNote, type NewRecordNote } from '../../store/record-notes.repository.ts';
import { insertRepair, setRepairDecided, setRepairOverdue, type NewRepair } from '../../store/repairs.repository.ts';
import type { DB } from '../../store/schema.ts';
import { notifyLedger } from '../../store/ledger.repository.ts';
import { appendEvents } from '../ledger/ledger.service.ts';
import { type AmendedRecord, writeAmendments } from './amendments.service.ts';
import { readRelatedBefore, writeRelatedAmendments } from './related-amendments.service.ts';
import { recordNotices, reprojectSubjects } from '../ledger/projection.service.ts';

export type DueProcessEvent =
  | {
      type: 'record.corrected';
      payload: {
        record: RecordContent;
        version: number;
        reason: string;
        principal_id: string;
        dispute_id: string | null;
      };
    }
  | {
      type: 'record.revoked';
      payload: {
        record_id: string;
        reason: string;
        principal_id: string;
        dispute_id: string | null;
        record_status: 'revoked';
      };
    }
  | { type: 'dispute.opened'; payload: { dispute: NewDispute; record_status: 'disputed' | 'suspended' } }
  | {
      type: 'dispute.overdue';
      payload: { dispute_id: string; record_id: string; due_at: string; record_status: 'suspended' | null };
    }
  | {
      type: 'dispute.resolved';
      payload: {
        dispute_id: string;
        record_id: string;
        outcome: DisputeOutcome;
        reason: string;
        principal_id: string;
        record_status: RecordStatus;
      };
    }
  | {
      type: 'dispute.statement_added';
      payload: { dispute_id: string; record_id: string; statement: string; principal_id: string };
    }
  | { type: 'repair.applied'; payload: { repair: NewRepair } }
  | { type: 'repair.overdue'; payload: { repair_id: string; record_id: string; due_at: string } }
  | {
      type: 'repair.decided';
      payload: {
        repair_id: string;
        record_id: string;
        approved: boolean;
        reason: string;
        principal_id: string;
        record_status: 'repaired' | null;
        /** Fa Shi [2017] 7 art. 10: the ground of deletion the court named, where the policy lists grounds. */
        ground?: string;
      };
    }
  | { type: 'commitment.made'; payload: { commitment: NewCommitment } }
  | { type: 'record.noted'; payload: { note: NewRecordNote } };

export const DUE_PROCESS_EVENT_TYPES: ReadonlySet<string> = new Set<DueProcessEvent['type']>([
  'record.corrected',
  'record.revoked',
  'dispute.opened',
  'dispute.overdue',
  'dispute.resolved',
  'dispute.statement_added',
  'repair.applied',
  'repair.overdue',
  'repair.decided',
  'commitment.made',
  'record.noted',
]);

/** Applies one event, stamped `at`, to the projections. Used by live changes and by replay alike. */
export async function applyDueProcessEvent(trx: Transaction<DB>, event: DueProcessEvent, at: Date): Promise<void> {
  switch (event.type) {
    case 'record.corrected': {
      const p = event.payload;
      await insertRecordVersion(trx, p.record.id, p.version - 1, at, p.principal_id, p.reason);
      await updateRecordContent(trx, p.record);
      return;
    }
    case 'record.revoked':
      return setRecordStatus(trx, event.payload.record_id, event.payload.record_status);
    case 'dispute.opened':
      await insertDispute(trx, event.payload.dispute);
      return setRecordStatus(trx, event.payload.dispute.record_id, event.payload.record_status);
    case 'dispute.overdue':
      await setDisputeOverdue(trx, event.payload.dispute_id, at);
      if (event.payload.record_status !== null)
        await setRecordStatus(trx, event.payload.record_id, event.payload.record_status);
      return;
    case 'dispute.resolved': {
      const p = event.payload;
      await setDisputeResolved(trx, p.dispute_id, { at, by: p.principal_id, outcome: p.outcome, reason: p.reason });
      return setRecordStatus(trx, p.record_id, p.record_status);
    }
    case 'dispute.statement_added':
      return setDisputeStatement(trx, event.payload.dispute_id, event.payload.statement, at);
    case 'repair.applied':
      return insertRepair(trx, event.payload.repair);
    case 'repair.overdue':
      return setRepairOverdue(trx, event.payload.repair_id, at);
    case 'repair.decided': {
      const p = event.payload;
      await setRepairDecided(trx, p.repair_id, { at, by: p.principal_id, approved: p.approved, reason: p.reason });
      if (p.record_status !== null) await setRecordStatus(trx, p.record_id, p.record_status);
      return;
    }
    case 'commitment.made':
      return insertCommitment(trx, event.payload.commitment);
    case 'record.noted':
      return insertRecordNote(trx, event.payload.note);
  }
}

/** One subject's share of a change: its events, and the notices to send once it is re-evaluated. */
export interface SubjectChange {
  readonly subject_id: string;
  readonly events: readonly DueProcessEvent[];
  readonly notices?: (evaluation: Evaluation) => NoticeDraft[];
}

/**
 * Writes a change in the caller's transaction (which holds the ledger lock): applies and
 * appends its events, re-evaluates the subjects (noticing list changes), writes the change's
 * own notices and wakes the ledger followers. Returns the subjects' new evaluations.
 */
export async function commitChanges(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  changes: readonly SubjectChange[],
): Promise<Map<string, Evaluation>> {
  const appended = [];
  for (const change of changes) {
    for (const event of change.events) {
      const payload = JSON.parse(canonicalJson(event.payload)) as Record<string, unknown>;
      await applyDueProcessEvent(trx, { type: event.type, payload } as DueProcessEvent, now);
      appended.push({ type: event.type, subject_id: change.subject_id, payload });
    }
  }
  await appendEvents(trx, now, appended);
  const subjects = [...new Set(changes.map((c) => c.subject_id))];
  const amended = amendedRecords(changes);
  // Fa Shi [2015] 17 art. 3 para. 2: how the changed organisations' listings bound their persons, before the change.
  const relatedBefore = await readRelatedBefore(trx, amended);
  const { evaluations } = await reprojectSubjects(trx, policy, subjects, now, { notify: true });
  await writeAmendments(trx, policy, now, amended, evaluations);
  await writeRelatedAmendments(trx, policy, now, amended, relatedBefore);
  await recordNotices(
    trx,
    changes.flatMap((c) => c.notices?.(evaluations.get(c.subject_id)!) ?? []),
    now,
  );
  await notifyLedger(trx);
  return evaluations;
}

/** FCRA § 611(d): the records these changes corrected, revoked or repaired, which those who relied on are told of. */
function amendedRecords(changes: readonly SubjectChange[]): AmendedRecord[] {
  return changes.flatMap(({ subject_id, events }) =>
    events.flatMap((e): AmendedRecord[] => {
      if (e.type === 'record.corrected')
        return [{ subject_id, record_id: e.payload.record.id, change: 'corrected', reason: e.payload.reason }];
      if (e.type === 'record.revoked')
        return [{ subject_id, record_id: e.payload.record_id, change: 'revoked', reason: e.payload.reason }];
      if (e.type !== 'repair.decided' || e.payload.record_status !== 'repaired') return [];
      const { record_id, reason, ground } = e.payload;
      return [{ subject_id, record_id, change: 'repaired', reason, ground }];
    }),
  );
}
