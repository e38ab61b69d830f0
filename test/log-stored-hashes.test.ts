import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hashLeaf, treeHashOfLeaves } from '../src/domain/log/merkle.ts';
import type { Hash } from '../src/domain/log/merkle.ts';
import { arrayHashReader } from '../src/domain/log/hash-reader.ts';
import type { HashReader } from '../src/domain/log/hash-reader.ts';
import {
  splitStoredHashIndex,
  storedHashCount,
  storedHashes,
  storedHashesForLeaves,
  storedHashesOfTree,
  storedHashIndex,
} from '../src/domain/log/stored-hashes.ts';
import {
  readConsistencyProof,
  readInclusionProof,
  readTreeHash,
  treeHashFromParts,
  treeHashIndexes,
} from '../src/domain/log/tree-proofs.ts';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const leafOf = (i: number): Hash => hashLeaf(Buffer.from(`leaf ${i}`));

/** A tree of `size` leaves built in memory: its leaf hashes and its stored hashes. */
function treeOf(size: number): { leaves: Hash[]; stored: Hash[] } {
  const leaves = Array.from({ length: size }, (_, i) => leafOf(i));
  return { leaves, stored: storedHashesOfTree(leaves) };
}

test('stored hash index: the dense order of Crosby and Wallach, and its inverse', () => {
  // leaf 0, leaf 1, node(1,0), leaf 2, leaf 3, node(1,1), node(2,0), leaf 4
  const order = [
    [0, 0],
    [0, 1],
    [1, 0],
    [0, 2],
    [0, 3],
    [1, 1],
    [2, 0],
    [0, 4],
  ];
  order.forEach(([level, n], index) => {
    assert.equal(storedHashIndex(level!, n!), index);
    assert.deepEqual(splitStoredHashIndex(index), { level, n });
  });
  for (let level = 0; level < 10; level++) {
    for (let n = 0; n < 100; n++) assert.deepEqual(splitStoredHashIndex(storedHashIndex(level, n)), { level, n });
  }
  fc.assert(
    // Any hash of a tree below 2^51 leaves.
    fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2 ** 50 }), (level, m) => {
      const n = Math.floor(m / 2 ** level);
      assert.deepEqual(splitStoredHashIndex(storedHashIndex(level, n)), { level, n });
    }),
  );
});

test('stored hash count: a tree of n leaves stores just under 2n hashes, and leaf n goes next', () => {
  assert.equal(storedHashCount(0), 0);
  for (let n = 0; n < 300; n++) assert.equal(storedHashCount(n), storedHashIndex(0, n));
  // A complete tree of 2^k leaves stores its 2^(k+1) − 1 nodes, its root last; also past 2^32.
  for (const k of [0, 8, 33, 50]) {
    assert.equal(storedHashCount(2 ** k), 2 ** (k + 1) - 1);
    assert.equal(storedHashIndex(k, 0), 2 ** (k + 1) - 2);
  }
  assert.throws(() => storedHashCount(-1), RangeError);
});

test('stored hashes: the 8 test leaves store the node hashes transparency-dev publishes', async () => {
  const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const stored = storedHashesOfTree(leaves.map((leaf) => hashLeaf(hex(leaf))));
  // transparency-dev/merkle testonly/constants.go NodeHashes: [level][n]
  const nodes = [
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    ],
    [
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    ],
    [
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
    ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
  ];
  nodes.forEach((row, level) => {
    row.forEach((hash, n) => {
      assert.deepEqual(stored[storedHashIndex(level, n)], hex(hash), `node (${level}, ${n})`);
    });
  });
  assert.equal(stored.length, storedHashCount(8));
  // The roots from stored hashes are treeHashOfLeaves's, which log-merkle checks against the published roots.
  const leafHashes = leaves.map((leaf) => hashLeaf(hex(leaf)));
  for (let size = 0; size <= 8; size++) {
    assert.deepEqual(await readTreeHash(size, arrayHashReader(stored)), treeHashOfLeaves(leafHashes.slice(0, size)));
  }
  assert.deepEqual(await readTreeHash(8, arrayHashReader(stored)), hex(nodes[3]![0]!));
});

test('stored hashes: appending one leaf at a time, or in batches, stores the same hashes', async () => {
  const { leaves, stored } = treeOf(600);
  const oneByOne: Hash[] = [];
  for (let n = 0; n < 600; n++) oneByOne.push(...(await storedHashes(n, leaves[n]!, arrayHashReader(oneByOne))));
  assert.deepEqual(oneByOne, stored);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }), async (batches) => {
      const built: Hash[] = [];
      let size = 0;
      for (const batch of batches) {
        const reads: number[][] = [];
        const reader: HashReader = async (indexes) => {
          reads.push([...indexes]);
          return arrayHashReader(built)(indexes);
        };
        const count = Math.min(batch, 600 - size);
        built.push(...(await storedHashesForLeaves(size, leaves.slice(size, size + count), reader)));
        assert.ok(reads.length <= 1 && (reads[0] ?? []).every((index) => index < storedHashCount(size)));
        size += count;
        assert.equal(built.length, storedHashCount(size));
      }
      assert.deepEqual(built, stored.slice(0, built.length));
    }),
    { numRuns: 30 },
  );
});

test('readers: a reader that answers short, or with a hash that is not 32 bytes, is a broken ledger', async () => {
  const { stored } = treeOf(20);
  const short: HashReader = async (indexes) => indexes.slice(1).map((i) => stored[i]!);
  const truncated: HashReader = async (indexes) => indexes.map((i) => stored[i]!.subarray(1));
  for (const reader of [short, truncated]) {
    await assert.rejects(readTreeHash(19, reader), { code: 'CRD_LEDGER_BROKEN' });
    await assert.rejects(storedHashes(19, leafOf(19), reader), { code: 'CRD_LEDGER_BROKEN' });
  }
  await assert.rejects(readTreeHash(21, arrayHashReader(stored)), { code: 'CRD_LEDGER_BROKEN' });
  await assert.rejects(readInclusionProof(20, 20, arrayHashReader(stored)), RangeError);
  await assert.rejects(readConsistencyProof(0, 20, arrayHashReader(stored)), RangeError);
  await assert.rejects(readConsistencyProof(21, 20, arrayHashReader(stored)), RangeError);
});

test('proofs from stored hashes: sizes past 2^32 read the right stored indexes', async () => {
  const size = 2 ** 33 + 1;
  const left = leafOf(1);
  const reads: number[][] = [];
  const reader: HashReader = async (indexes) => {
    reads.push([...indexes]);
    return indexes.map(() => left);
  };
  assert.deepEqual(await readInclusionProof(size - 1, size, reader), [left]);
  assert.deepEqual(await readConsistencyProof(size - 1, size, reader), [left]);
  assert.deepEqual(treeHashIndexes(size), [2 ** 34 - 2, 2 ** 34 - 1]);
  assert.deepEqual(reads, [[2 ** 34 - 2], [2 ** 34 - 1]]);
  assert.deepEqual(treeHashFromParts([]), treeHashOfLeaves([]));
});
