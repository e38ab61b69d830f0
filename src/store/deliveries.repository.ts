/** SQL for webhook delivery: claiming due notices from the outbox and recording attempts. */

import { sql, type Transaction } from 'kysely';
import type { ConsequenceView, MeasureGroup } from '../domain/notice-storage.ts';
import type { DB } from './schema.ts';

import type { Executor } from './executor.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

/** A notice as the webhook receives it, before the subject's identifiers are added. */
export interface OutboxNotice {
  readonly id: string;
  readonly subject_id: string;
  readonly kind: string;
  readonly at: Date;
  /** The English text of a notice written before migration 013 (null after: see `params`). */
  readonly what: string | null;
  readonly params: Readonly<Record<string, unknown>> | null;
  readonly agency_id: string | null;
  readonly record_id: string | null;
  readonly list_id: string | null;
  /** As stored (migration 021): null where it is the policy's; see services/due-process/stored-notices.ts. */
  readonly legal_basis: string | null;
  readonly consequences: readonly ConsequenceView[] | null;
  readonly how_to_dispute: string | null;
  readonly dispute_by: Date | null;
  readonly attempts: number;
  /** The policy the notice was written under, and its consequences as the policy's measures (migration 021). */
  readonly policy_ref: string | null;
  readonly measures: readonly MeasureGroup[] | null;
}

/** One notice's place in the outbox, without its body. */
export interface DeliveryRow {
  readonly id: string;
  readonly kind: string;
  readonly subject_id: string;
  readonly at: Date;
  readonly delivery_status: DeliveryStatus;
  readonly attempts: number;
  readonly next_attempt_at: Date;
  readonly last_attempt_at: Date | null;
  readonly last_error: string | null;
  readonly delivered_at: Date | null;
}

/** What one attempt did to a notice. */
export interface AttemptOutcome {
  readonly id: string;
  readonly delivery_status: DeliveryStatus;
  readonly attempts: number;
  readonly next_attempt_at: Date;
  readonly last_error: string | null;
}

const DELIVERY_COLUMNS = [
  'id',
  'kind',
  'subject_id',
  'at',
  'delivery_status',
  'attempts',
  'next_attempt_at',
  'last_attempt_at',
  'last_error',
  'delivered_at',
] as const;

/**
 * Locks up to `limit` due notices, longest waiting first. `skip locked`: notices another
 * process is sending right now are passed over, so no two processes send one at the same time.
 */
export async function claimDueNotices(trx: Transaction<DB>, now: Date, limit: number): Promise<OutboxNotice[]> {
  const rows = await trx
    .selectFrom('notices')
    .select([
      'id',
      'subject_id',
      'kind',
      'at',
      'what',
      'params',
      'agency_id',
      'record_id',
      'list_id',
      'legal_basis',
      'consequences',
      'how_to_dispute',
      'dispute_by',
      'attempts',
      'policy_ref',
      'measures',
    ])
    .where('delivery_status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows as OutboxNotice[];
}

/** Writes the outcome of each attempt made at `now`. */
export async function updateAttempts(
  trx: Transaction<DB>,
  outcomes: readonly AttemptOutcome[],
  now: Date,
): Promise<void> {
  if (outcomes.length === 0) return;
  const json = JSON.stringify(outcomes);
  await sql`update notices n set delivery_status = o.delivery_status, attempts = o.attempts,
      next_attempt_at = o.next_attempt_at,
      last_error = o.last_error, last_attempt_at = ${now},
      delivered_at = case when o.delivery_status = 'delivered' then ${now}::timestamptz else n.delivered_at end
    from json_to_recordset(${json}::json)
      as o(id uuid, delivery_status text, attempts integer, next_attempt_at timestamptz, last_error text)
    where n.id = o.id`.execute(trx);
}

/** Where a page of notices in one status starts: the order's instants (ISO) and the notice id. */
export type DeliveryKey = readonly string[];

/**
 * Notices in a status, strictly past `from`: pending by (next attempt, written, id), longest waiting first;
 * delivered and failed by (last attempt, id), most recent first (a notice from before migration 005, never
 * attempted since, by when it was written). `backward` reads the other way (the reverse scan of a last or
 * previous page). Indexes notices_pending_keyset and notices_attempted_keyset (migration 019) serve both.
 */
export async function getDeliveries(
  db: Executor,
  query: { status: DeliveryStatus; from: DeliveryKey | null; toward: 'forward' | 'backward'; limit: number },
): Promise<DeliveryRow[]> {
  const { status, from, limit } = query;
  const pending = status === 'pending';
  // Pending notices read oldest first, the others newest first.
  const ascending = pending === (query.toward === 'forward');
  const columns = pending ? sql`(n.next_attempt_at, n.at, n.id)` : sql`(coalesce(n.last_attempt_at, n.at), n.id)`;
  const key = pending
    ? sql`(${from?.[0]}::timestamptz, ${from?.[1]}::timestamptz, ${from?.[2]}::uuid)`
    : sql`(${from?.[0]}::timestamptz, ${from?.[1]}::uuid)`;
  const resume = from === null ? sql`` : sql`and ${columns} ${ascending ? sql`>` : sql`<`} ${key}`;
  const direction = ascending ? sql`` : sql` desc`;
  const order = pending
    ? sql`n.next_attempt_at${direction}, n.at${direction}, n.id${direction}`
    : sql`coalesce(n.last_attempt_at, n.at)${direction}, n.id${direction}`;
  const result = await sql<DeliveryRow>`
    select ${sql.join(DELIVERY_COLUMNS.map((c) => sql.ref(`n.${c}`)))} from notices n
    where n.delivery_status = ${status} ${resume}
    order by ${order} limit ${limit}
  `.execute(db);
  return result.rows;
}

/** A notice's place in its status's order, as getDeliveries reads it. */
export function deliveryKey(row: DeliveryRow): string[] {
  return row.delivery_status === 'pending'
    ? [row.next_attempt_at.toISOString(), row.at.toISOString(), row.id]
    : [(row.last_attempt_at ?? row.at).toISOString(), row.id];
}

export async function getOldestPending(db: Executor): Promise<DeliveryRow | undefined> {
  return (await db
    .selectFrom('notices')
    .select(DELIVERY_COLUMNS)
    .where('delivery_status', '=', 'pending')
    .orderBy('at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()) as DeliveryRow | undefined;
}

/** Makes a notice due again at `now`, with a fresh count of attempts; undefined if unknown. */
export async function requeueNotice(db: Executor, id: string, now: Date): Promise<DeliveryRow | undefined> {
  return (await db
    .updateTable('notices')
    .set({ delivery_status: 'pending', attempts: 0, next_attempt_at: now })
    .where('id', '=', id)
    .returning(DELIVERY_COLUMNS)
    .executeTakeFirst()) as DeliveryRow | undefined;
}
