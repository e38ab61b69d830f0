/** SQL for the append-only ledger. Appends are serialised by a transaction-scoped advisory lock. */

import { sql, type Transaction } from 'kysely';
import { copyBytes, copyInto, copyTime, type CopyTarget } from './copy-in.ts';
import type { DB } from './schema.ts';

import type { Executor } from './executor.ts';

/** Arbitrary constant shared by every Credence process: the ledger append lock. */
const LEDGER_LOCK = 7_312_001;

/** The NOTIFY channel that wakes every process's ledger follower after an append. */
export const LEDGER_CHANNEL = 'credence_ledger';

export interface LedgerRow {
  readonly seq: string;
  readonly at: Date;
  readonly type: string;
  readonly subject_id: string | null;
  /** Canonical JSON text, exactly as hashed; `parsePayload` reads it. */
  readonly payload: string;
  readonly prev_hash: string;
  readonly hash: string;
}

/**
 * A row as appended: with the salt of its entry, the exact bytes of its Merkle leaf (domain/log/ledger-entry.ts),
 * which are the encoding of the row's columns with it and are not stored (migration 025).
 */
export interface NewLedgerRow extends LedgerRow {
  readonly salt: Buffer;
}

/** Takes the append lock for the rest of the transaction and returns the chain's head. */
/**
 * Takes the ledger's lock for the rest of the transaction (re-entrant): every write appends under it, so a write
 * that must order itself with a policy activation's page takes it before anything else the page locks.
 */
export async function lockLedger(trx: Transaction<DB>): Promise<void> {
  if (holding.has(trx)) return; // held until the transaction ends: asking again would only wait for the queries before
  await sql`select pg_advisory_xact_lock(${LEDGER_LOCK})`.execute(trx);
  holding.add(trx);
}

/** Transactions holding the ledger's lock. */
const holding = new WeakSet<object>();

export async function lockLedgerHead(trx: Transaction<DB>): Promise<{ seq: bigint; hash: string | null }> {
  await lockLedger(trx);
  const head = await trx
    .selectFrom('ledger')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return head === undefined ? { seq: 0n, hash: null } : { seq: BigInt(head.seq), hash: head.hash };
}

/** Events as COPY writes them: the payload's canonical text as it is, the salt in bytea's hex form. */
const LEDGER_COPY: CopyTarget<NewLedgerRow> = {
  table: 'ledger',
  columns: ['seq', 'at', 'type', 'subject_id', 'payload', 'prev_hash', 'hash', 'salt'],
  fields: (r) => [r.seq, copyTime(r.at), r.type, r.subject_id, r.payload, r.prev_hash, r.hash, copyBytes(r.salt)],
};

/**
 * Inserts rows: many by COPY (a bulk import appends thousands of events at once), a few passed as one JSON
 * document, cheaper to send and parse than one array per column when payloads are large.
 */
export async function insertLedgerRows(trx: Transaction<DB>, rows: readonly NewLedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (await copyInto(trx, LEDGER_COPY, rows)) return;
  // The salt travels as bytea's hex text form, which json_populate_recordset reads into the bytea column.
  const json = `[${rows
    .map(
      (r) =>
        `{"seq":${r.seq},"at":"${r.at.toISOString()}","type":${JSON.stringify(r.type)},` +
        `"subject_id":${r.subject_id ?? 'null'},"payload":${JSON.stringify(r.payload)},` +
        `"prev_hash":"${r.prev_hash}","hash":"${r.hash}","salt":"\\\\x${r.salt.toString('hex')}"}`,
    )
    .join(',')}]`;
  await sql`insert into ledger (seq, at, type, subject_id, payload, prev_hash, hash, salt)
    select seq, at, type, subject_id, payload, prev_hash, hash, salt
    from json_populate_recordset(null::ledger, ${json}::json)`.execute(trx);
}

/**
 * Wakes the ledger followers once the caller's transaction commits (PostgreSQL delivers NOTIFY
 * on commit, and drops it on rollback).
 */
export async function notifyLedger(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_notify(${LEDGER_CHANNEL}, '')`.execute(trx);
}

export function parsePayload(row: Pick<LedgerRow, 'payload'>): Record<string, unknown> {
  return JSON.parse(row.payload) as Record<string, unknown>;
}

/** Ledger rows with seq greater than `afterSeq`, in order, at most `limit` (without their entry bytes). */
export async function getLedgerRowsAfter(db: Executor, afterSeq: string, limit: number): Promise<LedgerRow[]> {
  const rows = await db
    .selectFrom('ledger')
    .select(['seq', 'at', 'type', 'subject_id', 'payload', 'prev_hash', 'hash'])
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows as LedgerRow[];
}

export async function getLedgerHeadSeq(db: Executor): Promise<string> {
  const row = await db.selectFrom('ledger').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row?.seq ?? '0';
}
