import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  consistencyProofOfLeaves,
  emptyTreeHash,
  hashChildren,
  hashLeaf,
  inclusionProofOfLeaves,
  sameHash,
  treeHashOfLeaves,
  verifyConsistency,
  verifyInclusion,
} from '../src/domain/log/merkle.ts';
import type { Hash } from '../src/domain/log/merkle.ts';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

// The RFC 6962 test leaves and the roots of every prefix of them: transparency-dev/merkle
// testonly/constants.go (LeafInputs, RootHashes), the vectors Certificate Transparency uses.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leafHashes: Hash[] = LEAVES.map((leaf) => hashLeaf(hex(leaf)));
const root = (size: number): Buffer => hex(ROOTS[size]!);

// transparency-dev/merkle cmd/proofgen/main.go: inclusionProofs (its leaf numbers are 1-based)
// and consistencyProofs over the same 8 leaves.
const INCLUSION = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** Every proof with one bit flipped, one hash dropped, one hash added, or two hashes swapped. */
function corruptions(proof: readonly Hash[]): Hash[][] {
  const out: Hash[][] = [];
  proof.forEach((hash, i) => {
    for (const bit of [0, 7 * 8 + 3, 31 * 8 + 7]) {
      const flipped = Buffer.from(hash);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      out.push(proof.map((h, j) => (j === i ? flipped : h)));
    }
    out.push(proof.filter((_, j) => j !== i));
    if (i > 0 && !sameHash(proof[i - 1]!, hash)) {
      out.push(proof.map((_, j) => proof[j === i ? i - 1 : j === i - 1 ? i : j]!)); // swapped with the one before
    }
  });
  out.push([...proof, leafHashes[0]!], [leafHashes[0]!, ...proof]);
  return out;
}

test('hashes: RFC 6962 leaf and node hashes, and the empty tree (transparency-dev rfc6962_test.go)', () => {
  assert.deepEqual(emptyTreeHash(), hex(ROOTS[0]!));
  assert.deepEqual(hashLeaf(new Uint8Array()), hex('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'));
  assert.deepEqual(
    hashLeaf(Buffer.from('L123456')),
    hex('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56'),
  );
  assert.deepEqual(
    hashChildren(Buffer.from('N123'), Buffer.from('N456')),
    hex('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb'),
  );
  // A node is not the leaf of its children's concatenation, and order matters.
  const [a, b] = [hashLeaf(Buffer.from('Hello')), hashLeaf(Buffer.from('World'))];
  assert.notDeepEqual(hashChildren(a, b), hashLeaf(Buffer.concat([a, b])));
  assert.notDeepEqual(hashChildren(a, b), hashChildren(b, a));
});

test('tree hash: the published root of every prefix of the 8 test leaves, and of the empty tree', () => {
  for (let size = 0; size <= 8; size++) {
    assert.deepEqual(treeHashOfLeaves(leafHashes.slice(0, size)), root(size), `size ${size}`);
  }
});

test('inclusion: the published proofs are produced exactly, and verify', () => {
  for (const { index, size, proof } of INCLUSION) {
    const tree = leafHashes.slice(0, size);
    assert.deepEqual(inclusionProofOfLeaves(index, tree), proof.map(hex), `leaf ${index} of ${size}`);
    assert.ok(
      verifyInclusion({ leafHash: leafHashes[index]!, index, treeSize: size, proof: proof.map(hex), root: root(size) }),
    );
  }
});

test('consistency: the published proofs are produced exactly, and verify', () => {
  for (const { oldSize, newSize, proof } of CONSISTENCY) {
    const tree = leafHashes.slice(0, newSize);
    assert.deepEqual(consistencyProofOfLeaves(oldSize, tree), proof.map(hex), `${oldSize} → ${newSize}`);
    const claim = { oldSize, oldRoot: root(oldSize), newSize, newRoot: root(newSize), proof: proof.map(hex) };
    assert.ok(verifyConsistency(claim));
  }
});

test('inclusion: every leaf of every tree up to 8 verifies; every corrupted claim fails', () => {
  for (let size = 1; size <= 8; size++) {
    for (let index = 0; index < size; index++) {
      const proof = inclusionProofOfLeaves(index, leafHashes.slice(0, size));
      const claim = { leafHash: leafHashes[index]!, index, treeSize: size, proof, root: root(size) };
      assert.ok(verifyInclusion(claim), `leaf ${index} of ${size}`);
      for (const bad of corruptions(proof)) assert.equal(verifyInclusion({ ...claim, proof: bad }), false);
      assert.equal(verifyInclusion({ ...claim, leafHash: leafHashes[(index + 1) % 8]! }), false);
      assert.equal(verifyInclusion({ ...claim, root: root(size - 1) }), false);
      for (let other = 0; other < size; other++) {
        if (other !== index) assert.equal(verifyInclusion({ ...claim, index: other }), false);
      }
      assert.equal(verifyInclusion({ ...claim, treeSize: size * 2 }), false);
      assert.equal(verifyInclusion({ ...claim, index: size }), false);
      assert.equal(verifyInclusion({ ...claim, index: -1 }), false);
      assert.equal(verifyInclusion({ ...claim, leafHash: leafHashes[index]!.subarray(1) }), false);
    }
  }
});

test('consistency: every pair of trees up to 8 verifies; every corrupted claim fails', () => {
  for (let newSize = 1; newSize <= 8; newSize++) {
    for (let oldSize = 1; oldSize <= newSize; oldSize++) {
      const proof = consistencyProofOfLeaves(oldSize, leafHashes.slice(0, newSize));
      const claim = { oldSize, oldRoot: root(oldSize), newSize, newRoot: root(newSize), proof };
      assert.ok(verifyConsistency(claim), `${oldSize} → ${newSize}`);
      for (const bad of corruptions(proof)) assert.equal(verifyConsistency({ ...claim, proof: bad }), false);
      assert.equal(verifyConsistency({ ...claim, oldRoot: root(oldSize - 1) }), false);
      assert.equal(verifyConsistency({ ...claim, newRoot: root(newSize - 1) }), false);
      if (oldSize < newSize) {
        assert.equal(verifyConsistency({ ...claim, oldSize: newSize, newSize: oldSize }), false);
        assert.equal(verifyConsistency({ ...claim, oldRoot: claim.newRoot, newRoot: claim.oldRoot }), false);
      }
    }
  }
  assert.equal(verifyConsistency({ oldSize: 0, oldRoot: root(0), newSize: 3, newRoot: root(3), proof: [] }), false);
});

test('proofs: asking for a leaf outside the tree, or a proof from the empty tree, is a RangeError', () => {
  assert.throws(() => inclusionProofOfLeaves(3, leafHashes.slice(0, 3)), RangeError);
  assert.throws(() => inclusionProofOfLeaves(0, []), RangeError);
  assert.throws(() => inclusionProofOfLeaves(-1, leafHashes), RangeError);
  assert.throws(() => consistencyProofOfLeaves(0, leafHashes), RangeError);
  assert.throws(() => consistencyProofOfLeaves(9, leafHashes), RangeError);
  assert.throws(() => consistencyProofOfLeaves(1.5, leafHashes), RangeError);
});

test('verification: sizes past 2^32 use exact arithmetic, not 32-bit bitwise operators', () => {
  // A tree of 2^33 + 1 leaves is its complete left subtree of 2^33 leaves and one more leaf.
  const size = 2 ** 33 + 1;
  const left = hashLeaf(Buffer.from('stands for the first 2^33 leaves'));
  const last = hashLeaf(Buffer.from('the last leaf'));
  const newRoot = hashChildren(left, last);
  assert.ok(verifyInclusion({ leafHash: last, index: size - 1, treeSize: size, proof: [left], root: newRoot }));
  assert.equal(
    verifyInclusion({ leafHash: last, index: size - 2, treeSize: size, proof: [left], root: newRoot }),
    false,
  );
  assert.ok(verifyConsistency({ oldSize: size - 1, oldRoot: left, newSize: size, newRoot, proof: [last] }));
  assert.equal(verifyConsistency({ oldSize: size - 1, oldRoot: last, newSize: size, newRoot, proof: [left] }), false);
});

interface Probe {
  readonly file: string;
  readonly proof: string[] | null;
  readonly wantErr: boolean;
}
interface InclusionProbe extends Probe {
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: string;
  readonly leafHash: string;
}
interface ConsistencyProbe extends Probe {
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
}

// Every inclusion and consistency probe of transparency-dev/merkle's testdata (happy paths and their
// mutations: bit flips, swapped, truncated or padded proofs, wrong sizes and roots). A uint64 -1 in a
// probe parses to 2^64 here, which is still no index in any tree.
const PROBES = JSON.parse(readFileSync(new URL('fixtures/transparency-dev-merkle.json', import.meta.url), 'utf8')) as {
  inclusion: InclusionProbe[];
  consistency: ConsistencyProbe[];
};

test('transparency-dev/merkle testdata: every inclusion probe verifies exactly when it should', () => {
  assert.equal(PROBES.inclusion.length, 98);
  for (const p of PROBES.inclusion) {
    const claim = { leafHash: b64(p.leafHash), index: p.leafIdx, treeSize: p.treeSize, root: b64(p.root) };
    assert.equal(verifyInclusion({ ...claim, proof: (p.proof ?? []).map(b64) }), !p.wantErr, p.file);
  }
});

test('transparency-dev/merkle testdata: every consistency probe verifies exactly when it should', () => {
  assert.equal(PROBES.consistency.length, 98);
  for (const p of PROBES.consistency) {
    const claim = { oldSize: p.size1, oldRoot: b64(p.root1), newSize: p.size2, newRoot: b64(p.root2) };
    assert.equal(verifyConsistency({ ...claim, proof: (p.proof ?? []).map(b64) }), !p.wantErr, p.file);
  }
});
