/** SQL for the append-only ledger. Appends are serialised by a transaction-scoped advisory lock. */

import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** Arbitrary constant shared by every Credence process: the ledger append lock. */
const LEDGER_LOCK = 7_312_001;

export interface LedgerRow {
  readonly seq: string;
  readonly at: Date;
  readonly type: string;
  readonly subject_id: string | null;
  readonly payload: Record<string, unknown>;
  readonly prev_hash: string;
  readonly hash: string;
}

/** Takes the append lock for the rest of the transaction and returns the chain's head. */
export async function lockLedgerHead(trx: Transaction<DB>): Promise<{ seq: bigint; hash: string | null }> {
  await sql`select pg_advisory_xact_lock(${LEDGER_LOCK})`.execute(trx);
  const head = await trx.selectFrom('ledger').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head === undefined ? { seq: 0n, hash: null } : { seq: BigInt(head.seq), hash: head.hash };
}

export async function insertLedgerRows(trx: Transaction<DB>, rows: readonly LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into ledger (seq, at, type, subject_id, payload, prev_hash, hash)
    select * from unnest(
      ${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.at)}::timestamptz[], ${rows.map((r) => r.type)}::text[],
      ${rows.map((r) => r.subject_id)}::bigint[], ${rows.map((r) => JSON.stringify(r.payload))}::jsonb[],
      ${rows.map((r) => r.prev_hash)}::text[], ${rows.map((r) => r.hash)}::text[])
  `.execute(trx);
}

/** Ledger rows with seq greater than `afterSeq`, in order, at most `limit`. */
export async function getLedgerRowsAfter(db: Executor, afterSeq: string, limit: number): Promise<LedgerRow[]> {
  const rows = await db.selectFrom('ledger').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  return rows as LedgerRow[];
}

export async function getLedgerHeadSeq(db: Executor): Promise<string> {
  const row = await db.selectFrom('ledger').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row?.seq ?? '0';
}
