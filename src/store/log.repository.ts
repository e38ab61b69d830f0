/**
 * SQL for the transparency log (issue 9): its hash tiles, its signed checkpoints, and the ledger entries it
 * integrates. Integration is serialised by a transaction-scoped advisory lock of its own.
 */

import { sql, type Transaction } from 'kysely';
import { encodeLedgerEntry } from '../domain/log/ledger-entry.ts';
import type { Executor } from './executor.ts';
import type { LedgerRow } from './ledger.repository.ts';
import type { DB } from './schema.ts';

/** Arbitrary constant shared by every Credence process: the log integration lock. */
const LOG_LOCK = 7_312_002;

/** A stored tile: its position, how many hashes it holds now, and their bytes. */
export interface TileRow {
  readonly level: number;
  readonly idx: number;
  readonly width: number;
  readonly hashes: Buffer;
}

/** A stored checkpoint. */
export interface CheckpointRow {
  readonly size: number;
  readonly root: Buffer;
  readonly note: string;
  readonly signed_at: Date;
}

/** A ledger row with its entry bytes. */
export interface LedgerEntryRow extends LedgerRow {
  readonly entry: Buffer;
}

/** Takes the integration lock for the rest of the transaction. */
export async function lockLog(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOG_LOCK})`.execute(trx);
}

/** The checkpoint of the largest tree, if any. */
export async function getLatestCheckpoint(db: Executor): Promise<CheckpointRow | undefined> {
  const row = await db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : { ...row, size: Number(row.size) };
}

export async function insertCheckpoint(trx: Transaction<DB>, row: CheckpointRow): Promise<void> {
  await trx
    .insertInto('log_checkpoints')
    .values({ size: String(row.size), root: row.root, note: row.note, signed_at: row.signed_at })
    .execute();
}

/** The stored tiles at these positions (absent ones are left out), in no particular order. */
export async function getTiles(
  db: Executor,
  positions: readonly { readonly level: number; readonly idx: number }[],
): Promise<TileRow[]> {
  if (positions.length === 0) return [];
  const levels = positions.map((p) => p.level);
  const idxs = positions.map((p) => String(p.idx));
  const rows = await sql<{ level: number; idx: string; width: number; hashes: Buffer }>`
    select level, idx, width, hashes from log_tiles
    where (level, idx) in (select * from unnest(${levels}::smallint[], ${idxs}::bigint[]))`.execute(db);
  return rows.rows.map((r) => ({ ...r, idx: Number(r.idx) }));
}

/** Writes tiles: a tile only ever grows, so a narrower write never replaces a wider stored tile. */
export async function upsertTiles(trx: Transaction<DB>, tiles: readonly TileRow[]): Promise<void> {
  if (tiles.length === 0) return;
  await trx
    .insertInto('log_tiles')
    .values(tiles.map((t) => ({ level: t.level, idx: String(t.idx), width: t.width, hashes: t.hashes })))
    .onConflict((oc) =>
      oc
        .columns(['level', 'idx'])
        .doUpdateSet((eb) => ({ width: eb.ref('excluded.width'), hashes: eb.ref('excluded.hashes') }))
        .whereRef('log_tiles.width', '<=', 'excluded.width'),
    )
    .execute();
}

/** What a row's entry is made of. */
export const ENTRY_COLUMNS = ['seq', 'at', 'type', 'subject_id', 'payload', 'salt', 'entry'] as const;

/**
 * A row's entry: its columns encoded with its salt (domain/log/ledger-entry.ts), or the bytes stored for it where
 * they are not that (rows written before migration 025 whose entry was not the encoding of their columns).
 */
export function entryOf(row: {
  readonly seq: string;
  readonly at: Date;
  readonly type: string;
  readonly subject_id: string | null;
  readonly payload: string;
  readonly salt: Buffer | null;
  readonly entry: Buffer | null;
}): Buffer {
  return row.entry ?? encodeLedgerEntry(row, row.salt!.toString('base64'));
}

/** The entries with seq greater than `afterSeq`, in order, at most `limit`: seq and bytes only. */
export async function getEntriesAfter(
  db: Executor,
  afterSeq: number,
  limit: number,
): Promise<{ seq: string; entry: Buffer }[]> {
  const rows = await db
    .selectFrom('ledger')
    .select(ENTRY_COLUMNS)
    .where('seq', '>', String(afterSeq))
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ seq: row.seq, entry: entryOf(row) }));
}

/** Ledger rows with their entry bytes, seq greater than `afterSeq`, in order, at most `limit`. */
export async function getEntryRowsAfter(db: Executor, afterSeq: string, limit: number): Promise<LedgerEntryRow[]> {
  const rows = await db
    .selectFrom('ledger')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const { salt, ...columns } = row;
    return { ...columns, entry: entryOf(row) };
  });
}
