/** SQL for review tasks and the human decisions that close them. */

import { sql } from 'kysely';
import type { InquiriesTable } from './schema.ts';

import type { Executor } from './executor.ts';

export interface NewReviewTask {
  readonly subject_scheme: string;
  readonly subject_value: string;
  readonly id: string;
  readonly principal_id: string;
  readonly action: string;
  readonly purpose: string;
  readonly policy_version: string;
  readonly measures: readonly unknown[];
  readonly reasons: readonly string[];
  readonly opened_at: Date;
}

export interface StoredReviewTask extends NewReviewTask {
  readonly status: 'open' | 'closed';
  readonly closed_at: Date | null;
  readonly closed_by: string | null;
  readonly outcome: string | null;
  readonly reason: string | null;
  readonly reviewer: string | null;
  readonly legal_basis: string | null;
  readonly inquiry_id: string | null;
}

export interface ReviewClosing {
  readonly closed_at: Date;
  readonly closed_by: string;
  readonly outcome: string;
  readonly reason: string;
  readonly reviewer: string;
  readonly legal_basis: string | null;
  readonly inquiry_id: string;
}

/**
 * Opens tasks, ignoring ids already there: a flush retried after a commit whose answer was lost
 * must not fail on its own rows.
 */
export async function insertReviewTasks(db: Executor, rows: readonly NewReviewTask[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into review_tasks (subject_scheme, subject_value, id, principal_id, action, purpose,
      policy_version, measures, reasons, opened_at)
    select subject_scheme, subject_value, id, principal_id, action, purpose,
      policy_version, measures, reasons, opened_at
    from json_populate_recordset(null::review_tasks, ${JSON.stringify(rows)}::json)
    on conflict do nothing`.execute(db);
}

export async function getReviewTask(
  db: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredReviewTask | undefined> {
  let query = db.selectFrom('review_tasks').selectAll().where('id', '=', id);
  if (options.forUpdate === true) query = query.forUpdate();
  return (await query.executeTakeFirst()) as StoredReviewTask | undefined;
}

/** Tasks oldest first, optionally one principal's, after a cursor task id. */
export async function getReviewTasks(
  db: Executor,
  filter: { status: 'open' | 'closed'; principalId: string | null; after: string | null; limit: number },
): Promise<StoredReviewTask[]> {
  let query = db.selectFrom('review_tasks').selectAll().where('status', '=', filter.status);
  if (filter.principalId !== null) query = query.where('principal_id', '=', filter.principalId);
  if (filter.after !== null)
    query = query.where(
      sql<boolean>`(opened_at, id) > (select c.opened_at, c.id from review_tasks c where c.id = ${filter.after})`,
    );
  return (await query.orderBy('opened_at').orderBy('id').limit(filter.limit).execute()) as StoredReviewTask[];
}

/** Closes an open task; undefined when it was not open (closed meanwhile, or never there). */
export async function closeReviewTask(
  db: Executor,
  id: string,
  closing: ReviewClosing,
): Promise<StoredReviewTask | undefined> {
  return (await db
    .updateTable('review_tasks')
    .set({ ...closing, status: 'closed' })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()) as StoredReviewTask | undefined;
}

/** One inquiry written in the caller's transaction (the decision log writes the rest in batches). */
export async function insertInquiry(db: Executor, row: Omit<InquiriesTable, 'at'> & { at: Date }): Promise<void> {
  await db.insertInto('inquiries').values(row).execute();
}
