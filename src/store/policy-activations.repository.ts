/**
 * SQL for policy activations (migration 024): the one open activation, its cursor and progress. A page of the
 * rescoring locks the open activation's row FOR UPDATE first thing; a write that reprojects subjects while an
 * activation runs reads the row FOR SHARE, so it sees the cursor as the pages leave it and never races one.
 */

import type { Selectable } from 'kysely';
import type { Executor } from './executor.ts';
import type { PolicyActivationsTable } from './schema-policy-activations.ts';

export type PolicyActivationRow = Selectable<PolicyActivationsTable>;

export type NewPolicyActivation = Omit<
  PolicyActivationRow,
  'seq' | 'cursor' | 'subjects_done' | 'started_at' | 'progressed_at' | 'completed_at' | 'status'
>;

/** The activation scheduled or running, if any (at most one is). */
export async function getOpenActivation(
  db: Executor,
  lock: 'none' | 'share' | 'update' = 'none',
): Promise<PolicyActivationRow | undefined> {
  let query = db.selectFrom('policy_activations').selectAll().where('status', '<>', 'completed');
  if (lock === 'share') query = query.forShare();
  if (lock === 'update') query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * The latest activation's policies, status and cursor: which policy a subject is decided under
 * (services/ledger/deciding-policy.ts). A write that reprojects subjects reads it FOR SHARE (see the file comment).
 * Undefined in a registry whose activations all predate migration 024.
 */
export async function getLatestActivation(
  db: Executor,
  lock: 'none' | 'share' = 'none',
): Promise<Pick<PolicyActivationRow, 'id' | 'digest' | 'previous_digest' | 'status' | 'cursor'> | undefined> {
  const query = db
    .selectFrom('policy_activations')
    .select(['id', 'digest', 'previous_digest', 'status', 'cursor'])
    .orderBy('seq', 'desc')
    .limit(1);
  return (lock === 'share' ? query.forShare() : query).executeTakeFirst();
}

/** The latest activations, newest first. */
export async function getRecentActivations(db: Executor, limit: number): Promise<PolicyActivationRow[]> {
  return db.selectFrom('policy_activations').selectAll().orderBy('seq', 'desc').limit(limit).execute();
}

export async function insertActivation(db: Executor, row: NewPolicyActivation): Promise<void> {
  await db
    .insertInto('policy_activations')
    .values({ ...row, status: 'scheduled', subjects_done: '0' })
    .execute();
}

/** Marks the activation running (its first page): from now on writes reproject by its cursor. */
export async function markActivationRunning(db: Executor, id: string, at: Date, total: number): Promise<void> {
  await db
    .updateTable('policy_activations')
    .set({ status: 'running', started_at: at, progressed_at: at, subjects_total: String(total) })
    .where('id', '=', id)
    .execute();
}

/** Moves the cursor past a page of `count` subjects. */
export async function advanceActivation(
  db: Executor,
  id: string,
  cursor: string,
  count: number,
  at: Date,
): Promise<void> {
  await db
    .updateTable('policy_activations')
    .set((eb) => ({ cursor, subjects_done: eb('subjects_done', '+', String(count)), progressed_at: at }))
    .where('id', '=', id)
    .execute();
}

export async function completeActivation(db: Executor, id: string, at: Date): Promise<void> {
  await db
    .updateTable('policy_activations')
    .set({ status: 'completed', completed_at: at, progressed_at: at })
    .where('id', '=', id)
    .execute();
}
