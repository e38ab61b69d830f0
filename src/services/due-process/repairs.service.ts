/**
 * Credit repair (NDRC Credit Repair Management Measures, in force 1 April 2026): the subject
 * applies to end a negative record's effect early, with evidence that the conduct is corrected
 * and the obligations met; the filing agency decides. Approval marks the record `repaired`: it
 * stops counting and leaves lists and public disclosure at once, and stays in the history.
 * A refused application may be made again with new evidence; one pending per record. Where the
 * policy sets a deletion deadline for the record's type (Fa Shi [2017] 7 art. 10: 3 working days),
 * the application shows it as `due_at`, and `overdue` once passed undecided, as a dispute does; the
 * court's approval names the art. 10 ground, carried in the ledger event. Every other application is due
 * within the policy's repair decision deadline (NDRC Order No. 36 (2025): 10 working days), shown the same
 * way; and, where the policy says so, it needs the subject's public credit commitment (CRD_COMMITMENT_REQUIRED).
 */

import type { Transaction } from 'kysely';
import { commitmentCovers } from '../../domain/commitment.ts';
import { recordRepairedNotice, repairRefusedNotice } from '../../domain/due-process-notices.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import { checkDeletionGround, checkRepairEligibility, repairDueAt } from '../../domain/repair.ts';
import { CredenceError } from '../../errors.ts';
import {
  getCommitmentsByIds,
  getCommitmentsOfSubjects,
  type CommitmentRow,
} from '../../store/commitments.repository.ts';
import type { Executor } from '../../store/executor.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import type { StoredRecord } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import { getRecordVersionNumbers } from '../../store/record-changes.repository.ts';
import {
  getPendingRepairOfRecord,
  getRecordTypes,
  getRepairForUpdate,
  listRepairs as selectRepairs,
  type RepairRow,
  type RepairStatus,
} from '../../store/repairs.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import type { RecordView } from '../records/corrections.service.ts';
import {
  lockAgencyRecord,
  lockSubjectRecord,
  recordView,
  refuseWhileDisputed,
  requireStatus,
  subjectIdOf,
} from './access.service.ts';
import { commitChanges } from './events.service.ts';
import { logInquiries } from './inquiries.service.ts';

export type { RepairStatus } from '../../store/repairs.repository.ts';

export interface RepairApplication {
  readonly evidence: string;
  readonly document_ref?: string;
  /** The subject states the obligation is performed (required for the policy's `on_performance` types). */
  readonly performed?: boolean;
}

export type RepairView = Omit<RepairRow, 'id' | 'applied_by' | 'decided_by'> & {
  readonly repair_id: string;
  /** When the agency must decide (Fa Shi [2017] 7 art. 10; NDRC Order No. 36), or null where the policy sets none. */
  readonly due_at: Date | null;
  /** Still pending past `due_at`. */
  readonly overdue: boolean;
  /** The words of the credit commitment the application rests on (NDRC Order No. 36 (2025)), for the agency. */
  readonly commitment_text: string | null;
};

function repairView(
  row: RepairRow,
  due: { due_at: Date | null; now: Date },
  commitments: ReadonlyMap<string, string>,
): RepairView {
  const { id, applied_by: _a, decided_by: _d, ...rest } = row;
  const overdue = row.status === 'pending' && due.due_at !== null && due.due_at <= due.now;
  const commitmentText = row.commitment_id === null ? null : (commitments.get(row.commitment_id) ?? null);
  return { repair_id: id, ...rest, due_at: due.due_at, overdue, commitment_text: commitmentText };
}

/** The text of each of the commitments these applications rest on, by commitment id. */
async function commitmentTexts(db: Executor, rows: readonly RepairRow[]): Promise<Map<string, string>> {
  const ids = rows.flatMap((r) => r.commitment_id ?? []);
  return new Map((await getCommitmentsByIds(db, ids)).map((c) => [c.id, c.text]));
}

/** POST /v1/records/{id}/repairs: refused with a coded reason before the record may be repaired. */
export async function applyForRepair(
  ctx: ServiceContext,
  principal: Principal,
  recordId: string,
  application: RepairApplication,
): Promise<RepairView> {
  const { policy } = ctx;
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const record = await lockSubjectRecord(trx, principal, recordId);
    await refuseWhileDisputed(trx, record, 'apply for repair once the dispute is resolved');
    requireStatus(record, ['active'], 'only a record in force can be repaired');
    const pending = await getPendingRepairOfRecord(trx, record.id);
    if (pending !== undefined)
      throw new CredenceError(
        'CRD_REPAIR_PENDING',
        `record ${record.id} already has a pending repair application (${pending.id}); wait for the agency's decision`,
      );
    const refusal = checkRepairEligibility(policy, record, application.performed === true, now);
    if (refusal !== null)
      throw new CredenceError(
        refusal.code,
        refusal.message,
        [
          {
            code: refusal.code,
            path: refusal.code === 'CRD_REPAIR_NOT_PERFORMED' ? 'performed' : '',
            message: refusal.message,
            key: refusal.key,
            params: refusal.params,
          },
        ],
        { key: refusal.key, params: refusal.params },
      );
    const commitment = await requireCommitment(trx, policy, record);
    const commitments = new Map(commitment === null ? [] : [[commitment.id, commitment.text]]);
    const repair = {
      subject_id: record.subject_id,
      id: ctx.newId(),
      record_id: record.id,
      agency_id: record.agency_id,
      applied_by: principal.id,
      evidence: application.evidence,
      document_ref: application.document_ref ?? null,
      performed: application.performed === true,
      commitment_id: commitment?.id ?? null,
      applied_at: now.toISOString(),
    };
    await commitChanges(trx, policy, now, [
      { subject_id: record.subject_id, events: [{ type: 'repair.applied', payload: { repair } }] },
    ]);
    return repairView(
      {
        ...repair,
        status: 'pending',
        applied_at: now,
        applied_by: principal.id,
        decided_at: null,
        decided_by: null,
        decision_reason: null,
        overdue_at: null,
      },
      { due_at: repairDueAt(policy, record.type, now), now },
      commitments,
    );
  });
}

/**
 * NDRC Order No. 36 (2025): a repair application needs the subject's public credit commitment, made for this record
 * or for their conduct at large, on or after the record's decision. Returns the newest such commitment (the
 * application names it), null where the policy asks for none, or refuses with CRD_COMMITMENT_REQUIRED.
 */
async function requireCommitment(
  trx: Transaction<DB>,
  policy: Policy,
  record: StoredRecord,
): Promise<CommitmentRow | null> {
  if (policy.repair.commitment === undefined) return null;
  const commitments = await getCommitmentsOfSubjects(trx, [record.subject_id]);
  const covering = commitments.filter((c) => commitmentCovers(c, record.id, record.decided_at));
  if (covering.length > 0) return covering[covering.length - 1]!;
  const message =
    `repairing record ${record.id} needs your public credit commitment (NDRC Order No. 36 (2025)): ` +
    'make one first (POST /v1/subjects/{scheme}/{id}/commitments, or in the portal), then apply again';
  throw new CredenceError('CRD_COMMITMENT_REQUIRED', message, [
    { code: 'CRD_COMMITMENT_REQUIRED', path: 'commitment', message },
  ]);
}

export interface RepairDecision {
  readonly approve: boolean;
  readonly reason: string;
  /** Fa Shi [2017] 7 art. 10: the ground of deletion, required to approve where the policy lists grounds. */
  readonly ground?: string;
}

/** POST /v1/repairs/{id}/decision, by the agency that filed the record only. */
export async function decideRepair(
  ctx: ServiceContext,
  principal: Principal,
  repairId: string,
  decision: RepairDecision,
): Promise<{ repair: RepairView; record: RecordView }> {
  const { policy } = ctx;
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const repair = await getRepairForUpdate(trx, repairId);
    if (repair === undefined || principal.role !== 'agency' || repair.agency_id !== principal.agency_id)
      throw new CredenceError('CRD_NOT_FOUND', `no repair application ${repairId}`);
    if (repair.status !== 'pending')
      throw new CredenceError(
        'CRD_REPAIR_DECIDED',
        `repair application ${repairId} was already ${repair.status} on ${repair.decided_at!.toISOString()}`,
      );
    const record = await lockAgencyRecord(trx, principal, repair.record_id);
    if (decision.approve) {
      await refuseWhileDisputed(trx, record, 'resolve the dispute before approving the repair');
      requireStatus(record, ['active'], 'refuse the application instead');
    }
    const groundProblem = decision.approve ? checkDeletionGround(policy, record.type, decision.ground) : null;
    if (groundProblem !== null)
      throw new CredenceError('CRD_DELETION_GROUND', groundProblem, [
        { code: 'CRD_DELETION_GROUND', path: 'ground', message: groundProblem },
      ]);
    const after = decision.approve ? { ...record, status: 'repaired' as const } : record;
    await commitChanges(trx, policy, now, [
      {
        subject_id: record.subject_id,
        events: [
          {
            type: 'repair.decided',
            payload: {
              repair_id: repairId,
              record_id: record.id,
              approved: decision.approve,
              reason: decision.reason,
              principal_id: principal.id,
              record_status: decision.approve ? 'repaired' : null,
              ...(decision.approve && decision.ground !== undefined ? { ground: decision.ground } : {}),
            },
          },
        ],
        notices: (evaluation) => [
          decision.approve
            ? recordRepairedNotice(policy, after, evaluation, decision.reason)
            : repairRefusedNotice(policy, after, evaluation, decision.reason),
        ],
      },
    ]);
    const version = (await getRecordVersionNumbers(trx, [record.id])).get(record.id)!;
    const decided = {
      ...repair,
      status: (decision.approve ? 'approved' : 'refused') as RepairStatus,
      decided_at: now,
      decided_by: principal.id,
      decision_reason: decision.reason,
    };
    const due = { due_at: repairDueAt(policy, record.type, repair.applied_at), now };
    const commitments = await commitmentTexts(trx, [repair]);
    return { repair: repairView(decided, due, commitments), record: recordView(after, version) };
  });
}

/** GET /v1/repairs: an agency's own applications, a subject's own, or all (operators, auditors). Reading is logged. */
export async function listRepairs(
  ctx: ServiceContext,
  principal: Principal,
  query: { status: RepairStatus; limit: number },
): Promise<{ repairs: RepairView[] }> {
  let scope: { agency_id?: string; subject_id?: string } = {};
  if (principal.role === 'agency') scope = { agency_id: principal.agency_id! };
  if (principal.role === 'subject') {
    const subjectId = await subjectIdOf(ctx.db, principal);
    if (subjectId === null) return { repairs: [] };
    scope = { subject_id: subjectId };
  }
  const rows = await selectRepairs(ctx.db, { ...scope, status: query.status, limit: query.limit });
  await logInquiries(
    ctx,
    principal,
    rows.map((r) => r.subject_id),
    'repairs',
  );
  const types = await getRecordTypes(
    ctx.db,
    rows.map((r) => r.record_id),
  );
  const now = ctx.clock();
  const commitments = await commitmentTexts(ctx.db, rows);
  return {
    repairs: rows.map((r) =>
      repairView(r, { due_at: repairDueAt(ctx.policy, types.get(r.record_id)!, r.applied_at), now }, commitments),
    ),
  };
}
