/**
 * Reading the transparency log's stored tree (issue 9): a HashReader over the hash tiles in PostgreSQL, and
 * what the public endpoints serve: the latest signed checkpoint, hash tiles and (for operators and auditors)
 * entry bundles, all in the C2SP tlog-tiles layout.
 */

import type { Hash } from '../../domain/log/merkle.ts';
import { HASH_SIZE } from '../../domain/log/merkle.ts';
import type { HashReader } from '../../domain/log/hash-reader.ts';
import { MAX_ENTRY_BYTES } from '../../domain/log/ledger-entry.ts';
import { TILE_WIDTH, hashFromTile, tileForIndex } from '../../domain/log/tiles.ts';
import type { Tile } from '../../domain/log/tiles.ts';
import { ENTRIES_LEVEL } from '../../domain/log/tile-path.ts';
import { CredenceError } from '../../errors.ts';
import type { Executor } from '../../store/executor.ts';
import { getEntriesAfter, getLatestCheckpoint, getTiles, type TileRow } from '../../store/log.repository.ts';
import type { ServiceContext } from '../context.ts';
import { publishedCheckpointNote } from './log-publication.service.ts';

const key = (level: number, idx: number) => `${level}/${idx}`;

/**
 * A HashReader over the stored tiles, reading every tile a call needs in one query and keeping the tiles it
 * read (use one per transaction or request). Throws CRD_LEDGER_BROKEN for a hash whose tile is not stored.
 */
export function storedHashReader(db: Executor): HashReader {
  const cache = new Map<string, TileRow>();
  return async (indexes) => {
    const homes = indexes.map(tileForIndex);
    const missing = new Map<string, { level: number; idx: number }>();
    for (const t of homes) {
      if (!cache.has(key(t.level, t.index))) missing.set(key(t.level, t.index), { level: t.level, idx: t.index });
    }
    for (const row of await getTiles(db, [...missing.values()])) cache.set(key(row.level, row.idx), row);
    return indexes.map((index, i): Hash => {
      const home = homes[i]!;
      const row = cache.get(key(home.level, home.index));
      if (row === undefined || row.width < home.width) {
        throw new CredenceError('CRD_LEDGER_BROKEN', `the log stores no tile holding stored hash ${index}`);
      }
      return hashFromTile({ level: row.level, index: row.idx, width: row.width }, row.hashes, index);
    });
  };
}

/**
 * The published checkpoint note: the latest signed checkpoint with at least the quorum of witness cosignatures
 * appended (without witnesses: the latest signed one, exactly as signed). See log-publication.service.ts.
 * Throws CRD_LOG_NO_CHECKPOINT before the first one.
 */
export async function latestCheckpointNote(ctx: ServiceContext): Promise<string> {
  return publishedCheckpointNote(ctx);
}

/**
 * A hash tile's data: its `width` hashes, concatenated. Throws CRD_NOT_FOUND unless the log stores that tile
 * at least that wide (a tile of a tree not yet integrated does not exist yet).
 */
export async function readHashTile(ctx: ServiceContext, tile: Tile): Promise<Buffer> {
  const [row] = await getTiles(ctx.db, [{ level: tile.level, idx: tile.index }]);
  if (row === undefined || row.width < tile.width) throw tileNotFound(tile);
  return row.hashes.subarray(0, tile.width * HASH_SIZE);
}

/**
 * An entry bundle (C2SP tlog-tiles): the `width` entries from index `index·256`, each as a big-endian uint16
 * length then its bytes. Only entries the latest checkpoint covers exist; else CRD_NOT_FOUND.
 */
export async function readEntryBundle(ctx: ServiceContext, tile: Tile): Promise<Buffer> {
  if (tile.level !== ENTRIES_LEVEL) throw tileNotFound(tile);
  const size = (await getLatestCheckpoint(ctx.db))?.size ?? 0;
  const start = tile.index * TILE_WIDTH;
  if (start + tile.width > size) throw tileNotFound(tile);
  // Leaf index i is the event with seq i + 1.
  const rows = await getEntriesAfter(ctx.db, start, tile.width);
  if (rows.length !== tile.width) throw new CredenceError('CRD_LEDGER_BROKEN', `entries from ${start} are missing`);
  const parts: Buffer[] = [];
  for (const row of rows) {
    if (row.entry.length > MAX_ENTRY_BYTES) {
      throw new CredenceError('CRD_LEDGER_BROKEN', `ledger event ${row.seq} is too long for an entry bundle`);
    }
    const length = Buffer.alloc(2);
    length.writeUInt16BE(row.entry.length);
    parts.push(length, row.entry);
  }
  return Buffer.concat(parts);
}

function tileNotFound(tile: Tile): CredenceError {
  return new CredenceError('CRD_NOT_FOUND', `the log has no tile ${tile.level}/${tile.index} of width ${tile.width}`);
}
