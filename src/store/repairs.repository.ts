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
  /** When the scheduled jobs found it past its deadline undecided (`repair.overdue`), or null. */
  readonly overdue_at: Date | null;
}

/** A new application as a `repair.applied` event carries it (dates as ISO text). */
export type NewRepair = Omit<
  RepairRow,
  'status' | 'applied_at' | 'decided_at' | 'decided_by' | 'decision_reason' | 'overdue_at'
> & {
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

export async function setRepairOverdue(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('repairs').set({ overdue_at: at }).where('id', '=', id).execute();
}

/** A pending application not yet marked overdue, with its record's type (its deadline depends on it). */
export type UnmarkedRepair = RepairRow & { readonly record_type: string };

/**
 * Pending applications not yet marked overdue, applied at or before `appliedBy`, strictly after `after` in the order
 * (applied_at, id), oldest first; locked, as the overdue disputes are (the caller holds the ledger lock too).
 */
export async function getUnmarkedPendingRepairs(
  trx: Transaction<DB>,
  appliedBy: Date,
  after: { applied_at: Date; id: string } | null,
  limit: number,
): Promise<UnmarkedRepair[]> {
  let query = trx
    .selectFrom('repairs')
    .innerJoin('records', (join) =>
      join.onRef('records.subject_id', '=', 'repairs.subject_id').onRef('records.id', '=', 'repairs.record_id'),
    )
    .selectAll('repairs')
    .select('records.type as record_type')
    .where('repairs.status', '=', 'pending')
    .where('repairs.overdue_at', 'is', null)
    .where('repairs.applied_at', '<=', appliedBy);
  if (after !== null)
    query = query.where((eb) =>
      eb(eb.refTuple('repairs.applied_at', 'repairs.id'), '>', eb.tuple(after.applied_at, after.id)),
    );
  return query.orderBy('repairs.applied_at').orderBy('repairs.id').limit(limit).forUpdate('repairs').execute();
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
