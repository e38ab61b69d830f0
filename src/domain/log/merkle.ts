/**
 * The Merkle tree of RFC 6962 §2.1 and RFC 9162 §2.1, over SHA-256: leaf and node hashes, the tree
 * hash of n leaves, and inclusion and consistency proofs, produced from leaf hashes held in memory
 * and verified from nothing but the proof. The store computes the same hashes and proofs from its
 * stored hashes (tree-proofs.ts); both give byte-identical results.
 *
 * Sizes and indexes are JavaScript numbers, exact for trees below 2^52 leaves (see tree-math.ts).
 * Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2, with the preconditions of
 * transparency-dev/merkle's proof.VerifyInclusion and proof.VerifyConsistency, whose published test
 * data it passes.
 */

import { createHash } from 'node:crypto';
import { assertCount, isPowerOfTwo, maxPow2, shiftRight } from './tree-math.ts';

/** A SHA-256 hash: always 32 bytes. */
export type Hash = Uint8Array;

/** The size of every hash in the tree, in bytes. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** The hash of a leaf: SHA-256(0x00 || data), over the leaf's exact bytes (RFC 6962 §2.1). */
export function hashLeaf(data: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** The hash of an interior node: SHA-256(0x01 || left || right) (RFC 6962 §2.1). */
export function hashChildren(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The hash of the empty tree: SHA-256 of no bytes (RFC 6962 §2.1). A fresh copy each call. */
export function emptyTreeHash(): Hash {
  return createHash('sha256').digest();
}

/** Whether two hashes (or any byte strings) are the same bytes. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** The tree hash MTH(D[n]) of the leaves with these leaf hashes; the empty tree's hash for none. */
export function treeHashOfLeaves(leafHashes: readonly Hash[]): Hash {
  if (leafHashes.length === 0) return emptyTreeHash();
  // Hashing level by level, a lone last node moving up unchanged, builds exactly RFC 6962's tree.
  let level = leafHashes;
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(hashChildren(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** MTH(D[lo:hi]) for 0 ≤ lo < hi ≤ leafHashes.length. */
function subtreeHash(leafHashes: readonly Hash[], lo: number, hi: number): Hash {
  if (hi - lo === 1) return leafHashes[lo]!;
  const { k } = maxPow2(hi - lo);
  return hashChildren(subtreeHash(leafHashes, lo, lo + k), subtreeHash(leafHashes, lo + k, hi));
}

/**
 * The inclusion proof (audit path) of leaf `index` in the tree of all `leafHashes`, leaf-side
 * first: PATH(m, D[n]) of RFC 9162 §2.1.3.1. Throws a RangeError unless 0 ≤ index < size.
 */
export function inclusionProofOfLeaves(index: number, leafHashes: readonly Hash[]): Hash[] {
  assertCount('index', index);
  if (index >= leafHashes.length) {
    throw new RangeError(`leaf ${index} is not in a tree of ${leafHashes.length} leaves`);
  }
  const path = (lo: number, hi: number): Hash[] => {
    if (hi - lo === 1) return [];
    const { k } = maxPow2(hi - lo);
    return index < lo + k
      ? [...path(lo, lo + k), subtreeHash(leafHashes, lo + k, hi)]
      : [...path(lo + k, hi), subtreeHash(leafHashes, lo, lo + k)];
  };
  return path(0, leafHashes.length);
}

/**
 * The consistency proof that the tree of the first `oldSize` leaves is a prefix of the tree of all
 * `leafHashes`: PROOF(m, D[n]) of RFC 9162 §2.1.4.1; empty when the sizes are equal. Throws a
 * RangeError unless 1 ≤ oldSize ≤ size (no proof from the empty tree is meaningful).
 */
export function consistencyProofOfLeaves(oldSize: number, leafHashes: readonly Hash[]): Hash[] {
  assertCount('oldSize', oldSize);
  if (oldSize < 1 || oldSize > leafHashes.length) {
    throw new RangeError(`no consistency proof from size ${oldSize} to size ${leafHashes.length}`);
  }
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Hash[] => {
    if (m === hi - lo) return complete ? [] : [subtreeHash(leafHashes, lo, hi)];
    const { k } = maxPow2(hi - lo);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), subtreeHash(leafHashes, lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), subtreeHash(leafHashes, lo, lo + k)];
  };
  return subproof(oldSize, 0, leafHashes.length, true);
}

/** What an inclusion proof claims: leaf `index` with `leafHash` is in the tree `treeSize`, `root`. */
export interface InclusionClaim {
  readonly leafHash: Uint8Array;
  readonly index: number;
  readonly treeSize: number;
  readonly proof: readonly Uint8Array[];
  readonly root: Uint8Array;
}

/**
 * Whether `proof` proves the claim (RFC 9162 §2.1.3.2). False, never an exception, for anything
 * wrong: an index outside the tree, a leaf hash that is not 32 bytes, a proof too long or too
 * short, or any altered hash.
 */
export function verifyInclusion(claim: InclusionClaim): boolean {
  const { leafHash, index, treeSize, proof, root } = claim;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  if (leafHash.length !== HASH_SIZE) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = shiftRight(sn, 1);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  return sn === 0 && sameHash(r, root);
}

/** What a consistency proof claims: the tree `oldSize`, `oldRoot` is a prefix of `newSize`, `newRoot`. */
export interface ConsistencyClaim {
  readonly oldSize: number;
  readonly oldRoot: Uint8Array;
  readonly newSize: number;
  readonly newRoot: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/**
 * Whether `proof` proves the claim (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal
 * roots; a proof from the empty tree, a shrinking tree, a wrong length or any altered hash is false.
 */
export function verifyConsistency(claim: ConsistencyClaim): boolean {
  const { oldSize, oldRoot, newSize, newRoot, proof } = claim;
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize)) return false;
  if (oldSize < 1 || newSize < oldSize) return false;
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // When the old tree is a complete subtree, its root is where the path starts.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = shiftRight(sn, 1);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}
