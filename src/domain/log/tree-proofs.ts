/**
 * The tree hash and the inclusion and consistency proofs of a stored tree, computed from its
 * stored hashes (stored-hashes.ts) with one read each: what the log serves without holding its
 * leaves in memory. Byte-identical to merkle.ts's in-memory results. Port of Go's
 * golang.org/x/mod/sumdb/tlog (tlog.go: TreeHash, ProveRecord, ProveTree; BSD-3-Clause, The Go
 * Authors): each first lists the stored indexes it needs, reads them, then consumes them in order.
 */

import { emptyTreeHash, hashChildren } from './merkle.ts';
import type { Hash } from './merkle.ts';
import { readHashes } from './hash-reader.ts';
import type { HashReader } from './hash-reader.ts';
import { storedHashIndex } from './stored-hashes.ts';
import { assertCount, maxPow2, shiftRight } from './tree-math.ts';

/** Hands out the hashes read for the listed indexes, in the order they were listed. */
interface Cursor {
  take(): Hash;
}

function cursorOver(hashes: readonly Hash[]): Cursor & { readonly left: () => number } {
  let next = 0;
  return { take: () => hashes[next++]!, left: () => hashes.length - next };
}

/** Appends the stored indexes of the complete subtrees that make up leaves [lo, hi). */
function subtreeIndexes(lo: number, hi: number, need: number[]): number[] {
  for (let start = lo; start < hi; ) {
    const { k, level } = maxPow2(hi - start + 1);
    need.push(storedHashIndex(level, shiftRight(start, level)));
    start += k;
  }
  return need;
}

/** The hash of leaves [lo, hi) from the hashes listed by subtreeIndexes(lo, hi). */
function subtreeHash(lo: number, hi: number, cursor: Cursor): Hash {
  const parts: Hash[] = [];
  for (let start = lo; start < hi; start += maxPow2(hi - start + 1).k) parts.push(cursor.take());
  return subtreeHashOfParts(parts);
}

/** Reads, then checks that every hash read was used: a mismatch is a bug in the index math. */
async function withHashes<T>(reader: HashReader, need: number[], build: (cursor: Cursor) => T): Promise<T> {
  const cursor = cursorOver(await readHashes(reader, need));
  const result = build(cursor);
  if (cursor.left() !== 0) throw new Error('tlog: bad index math');
  return result;
}

/**
 * The stored indexes of the complete subtrees that make up a tree of `size` leaves, largest
 * (leftmost) first: its right edge, from which its tree hash is built (see treeHashFromParts).
 */
export function treeHashIndexes(size: number): number[] {
  assertCount('size', size);
  return subtreeIndexes(0, size, []);
}

/** The tree hash from the hashes at treeHashIndexes(size), in that order (the empty tree's for none). */
export function treeHashFromParts(parts: readonly Hash[]): Hash {
  if (parts.length === 0) return emptyTreeHash();
  return subtreeHashOfParts(parts);
}

function subtreeHashOfParts(parts: readonly Hash[]): Hash {
  let h = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) h = hashChildren(parts[i]!, h);
  return h;
}

/** The tree hash of the first `size` leaves of the stored tree, from at most 1 + log₂ size hashes. */
export async function readTreeHash(size: number, reader: HashReader): Promise<Hash> {
  assertCount('size', size);
  if (size === 0) return emptyTreeHash();
  return withHashes(reader, subtreeIndexes(0, size, []), (cursor) => subtreeHash(0, size, cursor));
}

function leafProofIndexes(lo: number, hi: number, n: number, need: number[]): number[] {
  if (lo + 1 === hi) return need;
  const { k } = maxPow2(hi - lo);
  if (n < lo + k) return subtreeIndexes(lo + k, hi, leafProofIndexes(lo, lo + k, n, need));
  return leafProofIndexes(lo + k, hi, n, subtreeIndexes(lo, lo + k, need));
}

function leafProof(lo: number, hi: number, n: number, cursor: Cursor): Hash[] {
  if (lo + 1 === hi) return []; // the verifier knows the leaf hash
  const { k } = maxPow2(hi - lo);
  if (n < lo + k) {
    const proof = leafProof(lo, lo + k, n, cursor);
    return [...proof, subtreeHash(lo + k, hi, cursor)];
  }
  const left = subtreeHash(lo, lo + k, cursor);
  return [...leafProof(lo + k, hi, n, cursor), left];
}

/**
 * The inclusion proof of leaf `index` in the stored tree's first `treeSize` leaves, as
 * merkle.ts's inclusionProofOfLeaves would give. Throws a RangeError unless 0 ≤ index < treeSize.
 */
export async function readInclusionProof(index: number, treeSize: number, reader: HashReader): Promise<Hash[]> {
  assertCount('index', index);
  assertCount('treeSize', treeSize);
  if (index >= treeSize) throw new RangeError(`leaf ${index} is not in a tree of ${treeSize} leaves`);
  return withHashes(reader, leafProofIndexes(0, treeSize, index, []), (cursor) =>
    leafProof(0, treeSize, index, cursor),
  );
}

function treeProofIndexes(lo: number, hi: number, n: number, need: number[]): number[] {
  if (n === hi) return lo === 0 ? need : subtreeIndexes(lo, hi, need);
  const { k } = maxPow2(hi - lo);
  if (n <= lo + k) return subtreeIndexes(lo + k, hi, treeProofIndexes(lo, lo + k, n, need));
  return treeProofIndexes(lo + k, hi, n, subtreeIndexes(lo, lo + k, need));
}

function treeProof(lo: number, hi: number, n: number, cursor: Cursor): Hash[] {
  if (n === hi) return lo === 0 ? [] : [subtreeHash(lo, hi, cursor)]; // the verifier knows the old root
  const { k } = maxPow2(hi - lo);
  if (n <= lo + k) {
    const proof = treeProof(lo, lo + k, n, cursor);
    return [...proof, subtreeHash(lo + k, hi, cursor)];
  }
  const left = subtreeHash(lo, lo + k, cursor);
  return [...treeProof(lo + k, hi, n, cursor), left];
}

/**
 * The consistency proof from the stored tree's first `oldSize` leaves to its first `newSize`, as
 * merkle.ts's consistencyProofOfLeaves would give. Throws a RangeError unless 1 ≤ oldSize ≤ newSize.
 */
export async function readConsistencyProof(oldSize: number, newSize: number, reader: HashReader): Promise<Hash[]> {
  assertCount('oldSize', oldSize);
  assertCount('newSize', newSize);
  if (oldSize < 1 || oldSize > newSize) {
    throw new RangeError(`no consistency proof from size ${oldSize} to size ${newSize}`);
  }
  return withHashes(reader, treeProofIndexes(0, newSize, oldSize, []), (cursor) =>
    treeProof(0, newSize, oldSize, cursor),
  );
}
