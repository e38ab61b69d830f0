/** SQL for disputes. */

import { sql, type Transaction } from 'kysely';
import type { DisputeOutcome, DisputeStatus } from '../domain/dispute.ts';
import type { DB } from './schema.ts';

import type { Executor } from './executor.ts';

export interface DisputeRow {
  readonly subject_id: string;
  readonly id: string;
  readonly record_id: string;
  readonly agency_id: string;
  readonly opened_by: string;
  readonly statement: string;
  readonly status: DisputeStatus;
  readonly opened_at: Date;
  readonly due_at: Date;
  readonly overdue_at: Date | null;
  readonly resolved_at: Date | null;
  readonly resolved_by: string | null;
  readonly outcome: DisputeOutcome | null;
  readonly resolution_reason: string | null;
  readonly subject_statement: string | null;
  readonly subject_statement_at: Date | null;
}

/** A new dispute as a `dispute.opened` event carries it (dates as ISO text). */
export interface NewDispute {
  readonly subject_id: string;
  readonly id: string;
  readonly record_id: string;
  readonly agency_id: string;
  readonly opened_by: string;
  readonly statement: string;
  readonly opened_at: string;
  readonly due_at: string;
}

export interface DisputeFilter {
  readonly agency_id?: string;
  readonly subject_id?: string;
  readonly statuses: readonly DisputeStatus[];
  /** Strictly past this place in the order: (due_at, id), or (resolved_at, id) for resolved ones. */
  readonly from?: { readonly at: Date; readonly id: string } | null;
  readonly limit: number;
}

export async function insertDispute(db: Executor, dispute: NewDispute): Promise<void> {
  await db
    .insertInto('disputes')
    .values({ ...dispute, status: 'open' })
    .execute();
}

export async function getDisputeById(db: Executor, id: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getDisputeForUpdate(trx: Transaction<DB>, id: string): Promise<DisputeRow | undefined> {
  return trx.selectFrom('disputes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function getUnresolvedDisputeOfRecord(db: Executor, recordId: string): Promise<DisputeRow | undefined> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('record_id', '=', recordId)
    .where('status', '<>', 'resolved')
    .executeTakeFirst();
}

/** Open disputes whose deadline has come, oldest deadline first, locked. */
export async function getDueOpenDisputes(trx: Transaction<DB>, now: Date, limit: number): Promise<DisputeRow[]> {
  return trx
    .selectFrom('disputes')
    .selectAll()
    .where('status', '=', 'open')
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .execute();
}

export async function setDisputeOverdue(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('disputes').set({ status: 'overdue', overdue_at: at }).where('id', '=', id).execute();
}

export async function setDisputeResolved(
  db: Executor,
  id: string,
  resolution: { at: Date; by: string; outcome: DisputeOutcome; reason: string },
): Promise<void> {
  await db
    .updateTable('disputes')
    .set({
      status: 'resolved',
      resolved_at: resolution.at,
      resolved_by: resolution.by,
      outcome: resolution.outcome,
      resolution_reason: resolution.reason,
    })
    .where('id', '=', id)
    .execute();
}

export async function setDisputeStatement(db: Executor, id: string, statement: string, at: Date): Promise<void> {
  await db
    .updateTable('disputes')
    .set({ subject_statement: statement, subject_statement_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * Unresolved disputes by deadline, oldest first; resolved ones most recently resolved first; from `from` on, by
 * keyset (indexes disputes_due_keyset and disputes_resolved_keyset, migration 019).
 */
export async function listDisputes(db: Executor, filter: DisputeFilter): Promise<DisputeRow[]> {
  let query = db.selectFrom('disputes').selectAll().where('status', 'in', filter.statuses);
  if (filter.agency_id !== undefined) query = query.where('agency_id', '=', filter.agency_id);
  if (filter.subject_id !== undefined) query = query.where('subject_id', '=', filter.subject_id);
  const resolved = filter.statuses.includes('resolved');
  const from = filter.from ?? null;
  if (from !== null)
    query = query.where(
      resolved ? sql`(resolved_at, id)` : sql`(due_at, id)`,
      resolved ? '<' : '>',
      sql`(${from.at}::timestamptz, ${from.id}::text)`,
    );
  const direction = resolved ? 'desc' : 'asc';
  query = resolved ? query.orderBy('resolved_at', 'desc') : query.orderBy('due_at');
  return query.orderBy('id', direction).limit(filter.limit).execute();
}

export async function getDisputesOfSubject(db: Executor, subjectId: string): Promise<DisputeRow[]> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
}
