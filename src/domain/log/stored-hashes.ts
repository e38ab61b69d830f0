/**
 * Where a tree's hashes are stored: every node of every complete subtree, in one dense sequence
 * ordered by when the node becomes known (Crosby and Wallach, "Efficient Data Structures for
 * Tamper-Evident Logging", §3.3). Appending leaf n stores its leaf hash and then the hash of each
 * subtree that leaf completes. Port of Go's golang.org/x/mod/sumdb/tlog (tlog.go: StoredHashIndex,
 * SplitStoredHashIndex, StoredHashCount, StoredHashes; BSD-3-Clause, The Go Authors).
 *
 * Indexes are numbers: a tree of n leaves stores just under 2n hashes, so trees stay exact below
 * 2^52 leaves.
 */

import { hashChildren } from './merkle.ts';
import type { Hash } from './merkle.ts';
import { readHashes } from './hash-reader.ts';
import type { HashReader } from './hash-reader.ts';
import { assertCount, shiftRight, trailingOnes } from './tree-math.ts';

/**
 * The stored index of the hash at `level` (0 for leaves), `n`-th from the left: the subtree of
 * leaves [n·2^level, (n+1)·2^level).
 */
export function storedHashIndex(level: number, n: number): number {
  // Level L's n-th hash is written right after level L+1's (2n+1)-th hash: work down to level 0,
  // where the n-th hash is written at n + n/2 + n/4 + …, then add back one per level.
  let m = n * 2 ** level + (2 ** level - 1);
  let index = 0;
  for (; m > 0; m = shiftRight(m, 1)) index += m;
  return index + level;
}

/** The inverse of storedHashIndex: the level and position of the hash at a stored index. */
export function splitStoredHashIndex(index: number): { readonly level: number; readonly n: number } {
  assertCount('index', index);
  // storedHashIndex(0, n) < 2n, so the leaf we want is in [index/2, index/2 + log₂(index)].
  let n = shiftRight(index, 1);
  let indexN = storedHashIndex(0, n);
  for (;;) {
    // Each leaf n stores 1 + trailingOnes(n) hashes.
    const next = indexN + 1 + trailingOnes(n);
    if (next > index) break;
    n += 1;
    indexN = next;
  }
  // The hash was stored with leaf n: one of (0, n), (1, n/2), (2, n/4), …
  const level = index - indexN;
  return { level, n: shiftRight(n, level) };
}

/** How many hashes a tree of `size` leaves stores; also the stored index where leaf `size` goes. */
export function storedHashCount(size: number): number {
  assertCount('size', size);
  if (size === 0) return 0;
  return storedHashIndex(0, size - 1) + 1 + trailingOnes(size - 1);
}

/** The stored indexes of the earlier hashes that appending leaf n combines with, in increasing order. */
function completedSiblingIndexes(n: number): number[] {
  const m = trailingOnes(n);
  const indexes: number[] = [];
  for (let i = m - 1; i >= 0; i--) indexes.push(storedHashIndex(i, shiftRight(n, i) - 1));
  return indexes;
}

/** Leaf hash `leafHash` of leaf n and the hashes it completes, given its earlier siblings (increasing). */
function hashesForLeaf(leafHash: Hash, siblings: readonly Hash[]): Hash[] {
  const hashes = [leafHash];
  let h = leafHash;
  for (let i = siblings.length - 1; i >= 0; i--) {
    h = hashChildren(siblings[i]!, h);
    hashes.push(h);
  }
  return hashes;
}

/**
 * The hashes to store when appending leaf `n` (its leaf hash, then each subtree it completes), to
 * be written from storedHashIndex(0, n) = storedHashCount(n). Reads at most log₂ n earlier hashes
 * in one call. Go's StoredHashesForRecordHash.
 */
export async function storedHashes(n: number, leafHash: Hash, reader: HashReader): Promise<Hash[]> {
  assertCount('n', n);
  return hashesForLeaf(leafHash, await readHashes(reader, completedSiblingIndexes(n)));
}

/**
 * The hashes to store when appending a batch of leaves to a tree of `treeSize` leaves, in order,
 * to be written from storedHashCount(treeSize). Reads the earlier hashes the whole batch needs in
 * one call (at most log₂ treeSize: the tree's right edge); the rest come from the batch itself.
 */
export async function storedHashesForLeaves(
  treeSize: number,
  leafHashes: readonly Hash[],
  reader: HashReader,
): Promise<Hash[]> {
  const base = storedHashCount(treeSize);
  const needed = new Set<number>();
  leafHashes.forEach((_, i) => {
    for (const index of completedSiblingIndexes(treeSize + i)) if (index < base) needed.add(index);
  });
  const oldIndexes = [...needed].sort((a, b) => a - b);
  const oldHashes = await readHashes(reader, oldIndexes);
  const old = new Map(oldIndexes.map((index, i) => [index, oldHashes[i]!]));
  const added: Hash[] = [];
  leafHashes.forEach((leafHash, i) => {
    const siblings = completedSiblingIndexes(treeSize + i).map((index) =>
      index < base ? old.get(index)! : added[index - base]!,
    );
    added.push(...hashesForLeaf(leafHash, siblings));
  });
  return added;
}

/** Every stored hash of the tree of these leaves, in stored-index order: the tree built in memory. */
export function storedHashesOfTree(leafHashes: readonly Hash[]): Hash[] {
  const stored: Hash[] = [];
  leafHashes.forEach((leafHash, n) => {
    stored.push(
      ...hashesForLeaf(
        leafHash,
        completedSiblingIndexes(n).map((index) => stored[index]!),
      ),
    );
  });
  return stored;
}
