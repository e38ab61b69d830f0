/** SQL for credit repair applications. */

import type { Transaction } from 'kysely';
import type { DB } from './schema.ts';

import type { Executor } from './executor.ts';

export type RepairStatus = 'pending' | 'approved' | 'refused';

export interface RepairRow {
  readonly subject_id: string;
  readonly id: string;
  readonly record_id: string;
  readonly agency_id: string;
  readonly applied_by: string;
  readonly evidence: string;
  readonly document_ref: string | null;
  readonly performed: boolean;
  /** The credit commitment the application rests on (NDRC Order No. 36 (2025)), where the policy asks for one. */
  readonly commitment_id: string | null;
  readonly status: RepairStatus;
  readonly applied_at: Date;
  readonly decided_at: Date | null;
  readonly decided_by: string | null;
  readonly decision_reason: string | null;
}

/** A new application as a `repair.applied` event carries it (dates as ISO text). */
export type NewRepair = Omit<RepairRow, 'status' | 'applied_at' | 'decided_at' | 'decided_by' | 'decision_reason'> & {
  readonly applied_at: string;
};

export interface RepairFilter {
  readonly agency_id?: string;
  readonly subject_id?: string;
  readonly status: RepairStatus;
  readonly limit: number;
}

export async function insertRepair(db: Executor, repair: NewRepair): Promise<void> {
  await db
    .insertInto('repairs')
    .values({ ...repair, status: 'pending' })
    .execute();
}

export async function getRepairForUpdate(trx: Transaction<DB>, id: string): Promise<RepairRow | undefined> {
  return trx.selectFrom('repairs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function getPendingRepairOfRecord(db: Executor, recordId: string): Promise<RepairRow | undefined> {
  return db
    .selectFrom('repairs')
    .selectAll()
    .where('record_id', '=', recordId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export async function setRepairDecided(
  db: Executor,
  id: string,
  decision: { at: Date; by: string; approved: boolean; reason: string },
): Promise<void> {
  await db
    .updateTable('repairs')
    .set({
      status: decision.approved ? 'approved' : 'refused',
      decided_at: decision.at,
      decided_by: decision.by,
      decision_reason: decision.reason,
    })
    .where('id', '=', id)
    .execute();
}

/** Pending applications oldest first; decided ones most recently decided first. */
export async function listRepairs(db: Executor, filter: RepairFilter): Promise<RepairRow[]> {
  let query = db.selectFrom('repairs').selectAll().where('status', '=', filter.status);
  if (filter.agency_id !== undefined) query = query.where('agency_id', '=', filter.agency_id);
  if (filter.subject_id !== undefined) query = query.where('subject_id', '=', filter.subject_id);
  query = filter.status === 'pending' ? query.orderBy('applied_at') : query.orderBy('decided_at', 'desc');
  return query.orderBy('id').limit(filter.limit).execute();
}

export async function getRepairsOfSubject(db: Executor, subjectId: string): Promise<RepairRow[]> {
  return db
    .selectFrom('repairs')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('applied_at')
    .orderBy('id')
    .execute();
}

/** The type of each of these records, by record id (a repair's deadline depends on it). */
export async function getRecordTypes(db: Executor, recordIds: readonly string[]): Promise<Map<string, string>> {
  if (recordIds.length === 0) return new Map();
  const rows = await db.selectFrom('records').select(['id', 'type']).where('id', 'in', recordIds).execute();
  return new Map(rows.map((r) => [r.id, r.type]));
}
