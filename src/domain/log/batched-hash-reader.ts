/**
 * A HashReader that gathers the reads made in the same turn of the event loop into one read of the
 * underlying reader: the tree algorithms (tree-proofs.ts) each call their reader once, synchronously
 * from the call, so proving many leaves with `Promise.all` costs one store query, not one per proof.
 */

import type { Hash } from './merkle.ts';
import { readHashes } from './hash-reader.ts';
import type { HashReader } from './hash-reader.ts';

interface PendingRead {
  readonly indexes: readonly number[];
  readonly resolve: (hashes: Hash[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Wraps `reader` so that every call made before the current microtask queue drains is answered by a
 * single call of `reader` with their distinct indexes (checked by readHashes). A failure rejects
 * every call of the batch.
 */
export function batchedHashReader(reader: HashReader): HashReader {
  let pending: PendingRead[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    const distinct = [...new Set(batch.flatMap((read) => read.indexes))].sort((a, b) => a - b);
    try {
      const hashes = await readHashes(reader, distinct);
      const byIndex = new Map(distinct.map((index, i) => [index, hashes[i]!]));
      for (const read of batch) read.resolve(read.indexes.map((index) => byIndex.get(index)!));
    } catch (error) {
      for (const read of batch) read.reject(error);
    }
  };
  return (indexes) =>
    new Promise<Hash[]>((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(() => void flush());
      pending.push({ indexes, resolve, reject });
    });
}
