/**
 * The log integrator (issue 9): appends the ledger entries not yet in the Merkle tree to it, in batches, and
 * signs a checkpoint for each new tree, as Trillian Tessera integrates. In one transaction under the log's
 * lock it reads the tree size S of the latest checkpoint, checks that the stored tiles still rebuild that
 * checkpoint's root, computes the leaf hashes of up to BATCH entries after S and the stored hashes they add
 * (stored-hashes.ts), writes the tiles they touch (C2SP tlog-tiles), and signs and stores the checkpoint of
 * the new tree (C2SP tlog-checkpoint). It only ever extends the stored tree, so every checkpoint it signs is
 * consistent with the one before it.
 */

import { formatCheckpoint } from '../../domain/log/checkpoint.ts';
import { readHashes } from '../../domain/log/hash-reader.ts';
import type { HashReader } from '../../domain/log/hash-reader.ts';
import { hashLeaf, sameHash } from '../../domain/log/merkle.ts';
import type { Hash } from '../../domain/log/merkle.ts';
import type { NoteSigner } from '../../domain/log/note-keys.ts';
import { signNote } from '../../domain/log/note.ts';
import { storedHashCount, storedHashesForLeaves } from '../../domain/log/stored-hashes.ts';
import { newTiles, tileHashIndexes } from '../../domain/log/tiles.ts';
import { readTreeHash } from '../../domain/log/tree-proofs.ts';
import { CredenceError } from '../../errors.ts';
import {
  getEntriesAfter,
  getLatestCheckpoint,
  insertCheckpoint,
  lockLog,
  type TileRow,
  upsertTiles,
} from '../../store/log.repository.ts';
import type { ServiceContext } from '../context.ts';
import { storedHashReader } from './log-tiles.service.ts';

/** Entries integrated per transaction at most (Tessera's default batch is of this order). */
export const LOG_BATCH = 4096;

/** What one integration did: the tree size now, and how many entries it added. */
export interface IntegrationResult {
  readonly size: number;
  readonly added: number;
}

/**
 * Integrates up to `batch` entries and signs the new checkpoint with `signer` (the log's key, whose name is
 * the origin). Returns at once, adding nothing, when every entry is integrated. Throws
 * CRD_LOG_STORE_INCONSISTENT when the stored tiles no longer rebuild the latest checkpoint's root, and
 * CRD_LEDGER_BROKEN when the entries after it are not numbered without gaps.
 */
export async function integrateLog(
  ctx: ServiceContext,
  signer: NoteSigner,
  batch: number = LOG_BATCH,
): Promise<IntegrationResult> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockLog(trx);
    const latest = await getLatestCheckpoint(trx);
    const size = latest?.size ?? 0;
    const rows = await getEntriesAfter(trx, size, batch);
    if (rows.length === 0) return { size, added: 0 };
    rows.forEach((row, i) => {
      if (row.seq !== String(size + i + 1)) {
        throw new CredenceError('CRD_LEDGER_BROKEN', `ledger event ${size + i + 1} is missing (found ${row.seq})`);
      }
    });
    const stored = storedHashReader(trx);
    if (latest !== undefined && !sameHash(await readTreeHash(size, stored), latest.root)) {
      throw new CredenceError(
        'CRD_LOG_STORE_INCONSISTENT',
        `the stored tiles do not rebuild the root of the log's checkpoint at size ${size}: refusing to extend them`,
      );
    }
    const added = await storedHashesForLeaves(
      size,
      rows.map((row) => hashLeaf(row.entry)),
      stored,
    );
    const reader = extendedReader(stored, storedHashCount(size), added);
    const newSize = size + rows.length;
    await upsertTiles(trx, await tilesBetween(size, newSize, reader));
    const root = await readTreeHash(newSize, reader);
    const note = signNote(formatCheckpoint({ origin: signer.name, size: newSize, rootHash: root }), [signer]);
    await insertCheckpoint(trx, { size: newSize, root: Buffer.from(root), note, signed_at: ctx.clock() });
    return { size: newSize, added: rows.length };
  });
}

/** The stored tree's hashes below `base`, then the hashes `added` from `base` on. */
function extendedReader(stored: HashReader, base: number, added: readonly Hash[]): HashReader {
  return async (indexes) => {
    const old = indexes.filter((index) => index < base);
    const oldHashes = await readHashes(stored, old);
    let next = 0;
    return indexes.map((index) => (index < base ? oldHashes[next++]! : added[index - base]!));
  };
}

/** The tiles that change from tree `oldSize` to `newSize`, with their data, read in one call. */
async function tilesBetween(oldSize: number, newSize: number, reader: HashReader): Promise<TileRow[]> {
  const tiles = newTiles(oldSize, newSize);
  const hashes = await readHashes(reader, tiles.flatMap(tileHashIndexes));
  let next = 0;
  return tiles.map((tile) => {
    const data = Buffer.concat(hashes.slice(next, next + tile.width));
    next += tile.width;
    return { level: tile.level, idx: tile.index, width: tile.width, hashes: data };
  });
}
