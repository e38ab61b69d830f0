/**
 * How the tree algorithms read hashes they stored earlier: by stored-hash index (see
 * stored-hashes.ts), in one batch per call, so the store can answer each call with one query.
 * Port of Go's golang.org/x/mod/sumdb/tlog HashReader (BSD-3-Clause, The Go Authors).
 */

import { CredenceError } from '../../errors.ts';
import { HASH_SIZE } from './merkle.ts';
import type { Hash } from './merkle.ts';

/**
 * Reads the hashes at these stored-hash indexes, in the same order, one per index. The
 * algorithms ask for indexes in increasing order where they can; a reader may rely on it only
 * for speed. A reader that cannot answer rejects.
 */
export type HashReader = (indexes: readonly number[]) => Promise<Hash[]>;

/** A HashReader over hashes held in memory, `stored[i]` being the hash at stored index i. */
export function arrayHashReader(stored: readonly Hash[]): HashReader {
  return async (indexes) => indexes.map((index) => hashAt(stored, index));
}

function hashAt(stored: readonly Hash[], index: number): Hash {
  const hash = stored[index];
  if (hash === undefined) throw new CredenceError('CRD_LEDGER_BROKEN', `no stored hash at index ${index}`);
  return hash;
}

/**
 * Calls `reader` and checks its answer: one 32-byte hash per index, else CRD_LEDGER_BROKEN (the
 * store or the remote log gave back something no tree can be built from).
 */
export async function readHashes(reader: HashReader, indexes: readonly number[]): Promise<Hash[]> {
  if (indexes.length === 0) return [];
  const hashes = await reader(indexes);
  if (hashes.length !== indexes.length) {
    throw new CredenceError('CRD_LEDGER_BROKEN', `asked for ${indexes.length} hashes, read ${hashes.length}`);
  }
  hashes.forEach((hash, i) => {
    if (hash.length !== HASH_SIZE) {
      throw new CredenceError('CRD_LEDGER_BROKEN', `the hash at stored index ${indexes[i]} is ${hash.length} bytes`);
    }
  });
  return hashes;
}
