/**
 * The filing agency resolves a dispute (FCRA § 611(a)(5)): `upheld` puts the record back in
 * force, `corrected` makes a new version (checked like a filing), `revoked` ends it. Overdue
 * disputes resolve the same way. One transaction: events, re-evaluation, the subject's notice.
 */

import type { DisputeOutcome } from '../../domain/dispute.ts';
import { disputeResolvedNotice } from '../../domain/due-process-notices.ts';
import type { RecordChanges } from '../../domain/correction.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import type { RecordStatus } from '../../domain/record.ts';
import { CredenceError } from '../../errors.ts';
import { getDisputeForUpdate } from '../../store/disputes.repository.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import { getRecordVersionNumbers } from '../../store/record-changes.repository.ts';
import type { StoredRecord } from '../../store/records.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import {
  checkCorrection,
  correctionChange,
  revocationChange,
  type RecordView,
} from '../records/corrections.service.ts';
import { lockAgencyRecord, recordView } from './access.service.ts';
import { commitChanges, type DueProcessEvent, type SubjectChange } from './events.service.ts';
import { disputeNotFound, disputeView, type DisputeView } from './disputes.service.ts';

export interface Resolution {
  readonly outcome: DisputeOutcome;
  readonly reason: string;
  /** Required for `corrected`, refused otherwise. */
  readonly changes?: RecordChanges;
}

function checkResolution(resolution: Resolution): void {
  if (resolution.outcome === 'corrected' && resolution.changes === undefined) {
    throw new CredenceError('CRD_VALIDATION', 'outcome "corrected" needs the changes to the record', [
      { code: 'CRD_VALIDATION', path: 'changes', message: 'changes is required when outcome is "corrected"' },
    ]);
  }
  if (resolution.outcome !== 'corrected' && resolution.changes !== undefined) {
    throw new CredenceError(
      'CRD_VALIDATION',
      `outcome "${resolution.outcome}" takes no changes; resolve as "corrected" to change the record`,
      [{ code: 'CRD_VALIDATION', path: 'changes', message: 'changes are only for outcome "corrected"' }],
    );
  }
}

interface Plan {
  readonly record: StoredRecord;
  readonly version: number;
  readonly events: DueProcessEvent[];
}

/** Back in force after a dispute, unless it has meanwhile ended otherwise (e.g. expired). */
function statusAfterDispute(record: StoredRecord): RecordStatus {
  return record.status === 'disputed' || record.status === 'suspended' ? 'active' : record.status;
}

/** The record after the resolution and the events that get it there (before `dispute.resolved`). */
async function planOutcome(
  trx: Parameters<typeof checkCorrection>[0],
  policy: Policy,
  principal: Principal,
  record: StoredRecord,
  disputeId: string,
  resolution: Resolution,
  now: Date,
): Promise<Plan> {
  const version = (await getRecordVersionNumbers(trx, [record.id])).get(record.id)!;
  const meta = { reason: resolution.reason, principal_id: principal.id, dispute_id: disputeId, at: now };
  if (resolution.outcome === 'upheld')
    return { record: { ...record, status: statusAfterDispute(record) }, version, events: [] };
  if (resolution.outcome === 'revoked')
    return {
      record: { ...record, status: 'revoked' },
      version,
      events: [...revocationChange(policy, record, meta).events],
    };
  const corrected = await checkCorrection(trx, policy, principal.agency_kind!, record, resolution.changes!, now);
  if (!corrected.changed)
    throw new CredenceError(
      'CRD_VALIDATION',
      'the changes leave the record as it is: resolve the dispute as "upheld" instead',
      [{ code: 'CRD_VALIDATION', path: 'changes', message: 'changes nothing' }],
    );
  const next = { ...corrected.record, status: statusAfterDispute(record) };
  return { record: next, version: version + 1, events: [...correctionChange(policy, next, version + 1, meta).events] };
}

/** POST /v1/disputes/{id}/resolution, by the agency that filed the record only. */
export async function resolveDispute(
  ctx: ServiceContext,
  principal: Principal,
  disputeId: string,
  resolution: Resolution,
): Promise<{ dispute: DisputeView; record: RecordView }> {
  checkResolution(resolution);
  const { policy } = ctx;
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const dispute = await getDisputeForUpdate(trx, disputeId);
    if (dispute === undefined || principal.role !== 'agency' || dispute.agency_id !== principal.agency_id)
      throw disputeNotFound(disputeId);
    if (dispute.status === 'resolved')
      throw new CredenceError(
        'CRD_DISPUTE_RESOLVED',
        `dispute ${disputeId} was already resolved ${dispute.outcome} on ${dispute.resolved_at!.toISOString()}`,
      );
    const record = await lockAgencyRecord(trx, principal, dispute.record_id);
    const plan = await planOutcome(trx, policy, principal, record, disputeId, resolution, now);
    const change: SubjectChange = {
      subject_id: record.subject_id,
      events: [
        ...plan.events,
        {
          type: 'dispute.resolved',
          payload: {
            dispute_id: disputeId,
            record_id: record.id,
            outcome: resolution.outcome,
            reason: resolution.reason,
            principal_id: principal.id,
            record_status: plan.record.status,
          },
        },
      ],
      notices: (evaluation) => [
        disputeResolvedNotice(policy, plan.record, evaluation, { id: disputeId, due_at: dispute.due_at }, resolution),
      ],
    };
    await commitChanges(trx, policy, now, [change]);
    const resolved = {
      ...dispute,
      status: 'resolved' as const,
      resolved_at: now,
      resolved_by: principal.id,
      outcome: resolution.outcome,
      resolution_reason: resolution.reason,
    };
    return { dispute: disputeView(resolved, now), record: recordView(plan.record, plan.version) };
  });
}
