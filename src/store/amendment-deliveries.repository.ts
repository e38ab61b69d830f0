/** SQL for delivering amendments to each relying principal's webhook: the outbox is the amendments table. */

import { sql, type Transaction } from 'kysely';
import type { AmendmentRow } from './amendments.repository.ts';
import type { AttemptOutcome } from './deliveries.repository.ts';
import type { DB } from './schema.ts';
import type { Executor } from './executor.ts';

/** A due amendment with where it goes now (null: the principal has no webhook any more, or its key is revoked). */
export interface DueAmendment extends AmendmentRow {
  readonly webhook_url: string | null;
  readonly webhook_secret: string | null;
  readonly revoked_at: Date | null;
}

/**
 * Locks up to `limit` due amendments, longest waiting first; `skip locked` passes over those another process is
 * sending. Only the amendments' rows are locked, not their principals'.
 */
export async function claimDueAmendments(trx: Transaction<DB>, now: Date, limit: number): Promise<DueAmendment[]> {
  return (await trx
    .selectFrom('amendments')
    .innerJoin('principals', 'principals.id', 'amendments.principal_id')
    .selectAll('amendments')
    .select(['principals.webhook_url', 'principals.webhook_secret', 'principals.revoked_at'])
    .where('amendments.delivery_status', '=', 'pending')
    .where('amendments.next_attempt_at', '<=', now)
    .orderBy('amendments.next_attempt_at')
    .orderBy('amendments.id')
    .limit(limit)
    .forUpdate('amendments')
    .skipLocked()
    .execute()) as DueAmendment[];
}

/** Writes the outcome of each attempt made at `now`. */
export async function updateAmendmentAttempts(
  trx: Transaction<DB>,
  outcomes: readonly AttemptOutcome[],
  now: Date,
): Promise<void> {
  if (outcomes.length === 0) return;
  const json = JSON.stringify(outcomes);
  await sql`update amendments a set delivery_status = o.delivery_status, attempts = o.attempts,
      next_attempt_at = o.next_attempt_at, last_error = o.last_error, last_attempt_at = ${now},
      delivered_at = case when o.delivery_status = 'delivered' then ${now}::timestamptz else a.delivered_at end
    from json_to_recordset(${json}::json)
      as o(id bigint, delivery_status text, attempts integer, next_attempt_at timestamptz, last_error text)
    where a.id = o.id`.execute(trx);
}

/**
 * Deletes up to `limit` amendments written before `before` with nothing left to deliver (delivered, failed, or never
 * for a webhook), oldest first; one pending delivery is never deleted. Returns how many it deleted.
 */
export async function deleteSettledAmendmentsBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('amendments')
    .where(
      'id',
      'in',
      db
        .selectFrom('amendments')
        .select('id')
        .where('delivery_status', 'is distinct from', 'pending')
        .where('at', '<', before)
        .orderBy('at')
        .orderBy('id')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
