/**
 * The RFC 6962 tree hash of a stream of leaves, in memory of O(log n): the hashes of the complete subtrees
 * on the tree's right edge, merged as each leaf completes them (the "compact range" of Trillian and
 * Tessera). For checking a whole log from its leaves without holding them.
 */

import { emptyTreeHash, hashChildren } from './merkle.ts';
import type { Hash } from './merkle.ts';
import { trailingOnes } from './tree-math.ts';

/** Appends leaf hashes one by one; `root()` is the tree hash of the leaves appended so far. */
export class TreeBuilder {
  /** The right edge: complete subtree hashes, largest (leftmost) first. */
  private readonly edge: Hash[] = [];
  private count = 0;

  /** How many leaves have been appended. */
  get size(): number {
    return this.count;
  }

  /** Appends the next leaf's hash (hashLeaf of its bytes). */
  push(leafHash: Hash): void {
    let h = leafHash;
    // Leaf n completes one subtree per trailing one bit of n.
    for (let merges = trailingOnes(this.count); merges > 0; merges--) h = hashChildren(this.edge.pop()!, h);
    this.edge.push(h);
    this.count += 1;
  }

  /** MTH of the leaves appended so far (the empty tree's hash for none). */
  root(): Hash {
    if (this.edge.length === 0) return emptyTreeHash();
    let h = this.edge[this.edge.length - 1]!;
    for (let i = this.edge.length - 2; i >= 0; i--) h = hashChildren(this.edge[i]!, h);
    return h;
  }
}
