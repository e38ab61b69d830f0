import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  consistencyProofOfLeaves,
  hashLeaf,
  inclusionProofOfLeaves,
  treeHashOfLeaves,
  verifyConsistency,
  verifyInclusion,
} from '../src/domain/log/merkle.ts';
import type { Hash } from '../src/domain/log/merkle.ts';
import { arrayHashReader } from '../src/domain/log/hash-reader.ts';
import { storedHashCount, storedHashesOfTree, storedHashIndex } from '../src/domain/log/stored-hashes.ts';
import { readConsistencyProof, readInclusionProof, readTreeHash } from '../src/domain/log/tree-proofs.ts';
import {
  hashFromTile,
  isFullTile,
  newTiles,
  readTileData,
  TILE_WIDTH,
  tileForIndex,
  tileHash,
} from '../src/domain/log/tiles.ts';
import type { Tile } from '../src/domain/log/tiles.ts';
import { ENTRIES_LEVEL, parseTilePath, tilePath } from '../src/domain/log/tile-path.ts';
import { tileHashReader } from '../src/domain/log/tile-hash-reader.ts';
import type { TileReader } from '../src/domain/log/tile-hash-reader.ts';

const leafOf = (i: number): Hash => hashLeaf(Buffer.from(`leaf ${i}`));

/** A tree of `size` leaves built in memory once per size: leaf hashes and stored hashes. */
const trees = new Map<number, { leaves: Hash[]; stored: Hash[] }>();
function treeOf(size: number): { leaves: Hash[]; stored: Hash[] } {
  let tree = trees.get(size);
  if (tree === undefined) {
    const leaves = Array.from({ length: size }, (_, i) => leafOf(i));
    tree = { leaves, stored: storedHashesOfTree(leaves) };
    trees.set(size, tree);
  }
  return tree;
}

/** The tiles of a tree, served from memory as a log would serve them. */
async function tileServer(stored: readonly Hash[], size: number): Promise<Map<string, Uint8Array>> {
  const tiles = new Map<string, Uint8Array>();
  for (const tile of newTiles(0, size)) tiles.set(tilePath(tile), await readTileData(tile, arrayHashReader(stored)));
  return tiles;
}

const serve =
  (tiles: ReadonlyMap<string, Uint8Array>): TileReader =>
  async (wanted) =>
    wanted.map((tile) => tiles.get(tilePath(tile)) ?? assert.fail(`no tile ${tilePath(tile)}`));

// --- tiles -----------------------------------------------------------------------------------

const tile = (level: number, index: number, width = TILE_WIDTH): Tile => ({ level, index, width });

test('tiles of a tree: the C2SP tlog-tiles examples for sizes 70,000 and 256', () => {
  const tiles = newTiles(0, 70_000);
  assert.equal(tiles.filter((t) => t.level === 0 && isFullTile(t)).length, 273);
  assert.deepEqual(
    tiles.filter((t) => !(t.level === 0 && isFullTile(t))),
    [tile(0, 273, 112), tile(1, 0), tile(1, 1, 17), tile(2, 0, 1)],
  );
  assert.deepEqual(newTiles(0, 256), [tile(0, 0), tile(1, 0, 1)]);
  assert.deepEqual(newTiles(0, 0), []);
  assert.deepEqual(newTiles(255, 256), [tile(0, 0), tile(1, 0, 1)]);
  assert.deepEqual(newTiles(256, 257), [tile(0, 1, 1)]);
  assert.deepEqual(newTiles(300, 300), []);
  assert.deepEqual(newTiles(1000, 1030), [tile(0, 3), tile(0, 4, 6), tile(1, 0, 4)]);
});

test('tiles: a growing tile only appends, and every stored hash reads back from its tile', async () => {
  const { stored } = treeOf(1200);
  const seen = new Map<string, Uint8Array>();
  for (let size = 1; size <= 1200; size++) {
    for (const t of newTiles(size - 1, size)) {
      const data = await readTileData(t, arrayHashReader(stored));
      const previous = seen.get(`${t.level}/${t.index}`) ?? new Uint8Array();
      assert.ok(Buffer.from(previous).equals(data.subarray(0, previous.length)), `${tilePath(t)} rewrote its hashes`);
      seen.set(`${t.level}/${t.index}`, data);
    }
    for (let index = storedHashCount(size - 1); index < storedHashCount(size); index++) {
      const home = tileForIndex(index);
      assert.deepEqual(hashFromTile(home, seen.get(`${home.level}/${home.index}`)!, index), stored[index]);
    }
  }
  const data = await readTileData(tile(0, 0), arrayHashReader(stored));
  assert.deepEqual(tileHash(data), stored[storedHashIndex(8, 0)]);
  assert.throws(() => hashFromTile(tile(0, 1), data, 0), RangeError);
  assert.throws(() => hashFromTile(tile(0, 0, 3), data, storedHashIndex(0, 3)), RangeError);
  assert.throws(() => hashFromTile(tile(0, 0), data.subarray(32), 0), { code: 'CRD_LEDGER_BROKEN' });
  await assert.rejects(readTileData(tile(0, 0, 0), arrayHashReader(stored)), RangeError);
});

test('property: proofs from served tiles equal proofs computed directly, and verify', async () => {
  const { leaves, stored } = treeOf(3000);
  const arb = fc
    .integer({ min: 1, max: 3000 })
    .chain((size) => fc.tuple(fc.constant(size), fc.nat({ max: size - 1 }), fc.integer({ min: 1, max: size })));
  await fc.assert(
    fc.asyncProperty(arb, async ([size, index, oldSize]) => {
      const tree = leaves.slice(0, size);
      const root = treeHashOfLeaves(tree);
      const reader = tileHashReader({ size, root }, serve(await tileServer(stored, size)));
      assert.deepEqual(await readTreeHash(size, reader), root);
      const proof = await readInclusionProof(index, size, reader);
      assert.deepEqual(proof, inclusionProofOfLeaves(index, tree));
      assert.ok(verifyInclusion({ leafHash: leaves[index]!, index, treeSize: size, proof, root }));
      const consistency = await readConsistencyProof(oldSize, size, reader);
      assert.deepEqual(consistency, consistencyProofOfLeaves(oldSize, tree));
      const oldRoot = treeHashOfLeaves(leaves.slice(0, oldSize));
      assert.ok(verifyConsistency({ oldSize, oldRoot, newSize: size, newRoot: root, proof: consistency }));
    }),
    { numRuns: 60 },
  );
});

test('tile reader: three tile levels (70,000 leaves) give the same proofs as the stored hashes', async () => {
  const { leaves, stored } = treeOf(70_000);
  const root = await readTreeHash(70_000, arrayHashReader(stored));
  assert.deepEqual(root, treeHashOfLeaves(leaves));
  const reader = tileHashReader({ size: 70_000, root }, serve(await tileServer(stored, 70_000)));
  for (const index of [0, 5, 65_535, 65_536, 69_887, 69_999]) {
    assert.deepEqual(
      await readInclusionProof(index, 70_000, reader),
      await readInclusionProof(index, 70_000, arrayHashReader(stored)),
    );
  }
  for (const oldSize of [1, 256, 65_536, 69_999]) {
    assert.deepEqual(
      await readConsistencyProof(oldSize, 70_000, reader),
      await readConsistencyProof(oldSize, 70_000, arrayHashReader(stored)),
    );
  }
});

test("tile reader: a tile that is not the trusted tree's is refused, wherever it sits", async () => {
  const { stored } = treeOf(70_000);
  const root = await readTreeHash(70_000, arrayHashReader(stored));
  const honest = await tileServer(stored, 70_000);
  const tampered = (path: string): Map<string, Uint8Array> => {
    const copy = new Map(honest);
    const data = Buffer.from(copy.get(path)!);
    data[data.length - 1]! ^= 1; // in the tile's last hash
    copy.set(path, data);
    return copy;
  };
  const leaf1 = storedHashIndex(0, 1);
  // The right edge (checked against the root), and full tiles below it (checked against parents):
  // Go's TileHashReader leaves 1/000 and 0/000 unchecked here, which this port does not.
  for (const path of ['tile/2/000.p/1', 'tile/1/001.p/17', 'tile/0/273.p/112', 'tile/1/000', 'tile/0/000']) {
    const reader = tileHashReader({ size: 70_000, root }, serve(tampered(path)));
    await assert.rejects(reader([leaf1]), { code: 'CRD_LEDGER_BROKEN' }, path);
  }
  const wrongRoot = tileHashReader({ size: 70_000, root: leafOf(0) }, serve(honest));
  await assert.rejects(wrongRoot([leaf1]), { code: 'CRD_LEDGER_BROKEN' });
  const short: TileReader = async (wanted) => wanted.map((t) => honest.get(tilePath(t))!.subarray(32));
  await assert.rejects(tileHashReader({ size: 70_000, root }, short)([leaf1]), { code: 'CRD_LEDGER_BROKEN' });
  const reader = tileHashReader({ size: 70_000, root }, serve(honest));
  assert.deepEqual(await reader([leaf1]), [stored[leaf1]]);
  await assert.rejects(reader([storedHashCount(70_000)]), RangeError);
  await assert.rejects(tileHashReader({ size: 0, root }, serve(honest))([0]), RangeError);
});

// --- tile paths ------------------------------------------------------------------------------

test('tile paths: the C2SP tlog-tiles encoding, and back', () => {
  const cases: [Tile, string][] = [
    [tile(0, 0), 'tile/0/000'],
    [tile(0, 1234067), 'tile/0/x001/x234/067'],
    [tile(3, 1234067, 1), 'tile/3/x001/x234/067.p/1'],
    [tile(1, 0, 17), 'tile/1/000.p/17'],
    [tile(0, 1000, 255), 'tile/0/x001/000.p/255'],
    [tile(63, Number.MAX_SAFE_INTEGER), 'tile/63/x009/x007/x199/x254/x740/991'],
    [tile(ENTRIES_LEVEL, 1234067, 3), 'tile/entries/x001/x234/067.p/3'],
    [tile(ENTRIES_LEVEL, 5), 'tile/entries/005'],
  ];
  for (const [t, path] of cases) {
    assert.equal(tilePath(t), path);
    assert.deepEqual(parseTilePath(path), t);
  }
  fc.assert(
    fc.property(
      fc.integer({ min: -1, max: 63 }),
      fc.oneof(fc.nat({ max: 2000 }), fc.maxSafeNat()),
      fc.integer({ min: 1, max: 256 }),
      (level, index, width) =>
        assert.deepEqual(parseTilePath(tilePath(tile(level, index, width))), tile(level, index, width)),
    ),
  );
});

test('tile paths: every non-canonical or out-of-range spelling is refused', () => {
  const refused = [
    'tile/0/1',
    'tile/0/01',
    'tile/0/0001',
    'tile/0/x000/001',
    'tile/0/x001',
    'tile/0/001/234',
    'tile/0/x1/234',
    'tile/0/x0001/234',
    'tile/0/X001/234',
    'tile/00/001',
    'tile/01/001',
    'tile/64/001',
    'tile/-1/001',
    'tile/+1/001',
    'tile/0/001.p/0',
    'tile/0/001.p/256',
    'tile/0/001.p/01',
    'tile/0/001.p/',
    'tile/0/001.p',
    'tile/0/001.p/5/',
    'tile/0/001.p/+5',
    'tile/0/001.p/5 ',
    'tile/0/001.p/1000',
    '/tile/0/001',
    'tile/0/001/',
    'tile//001',
    'tile/0/',
    'tile/data/001',
    'tile/8/0/001',
    'tiles/0/001',
    'tile/0/-01',
    'tile/0/ 01',
    'tile/entries/001.p/256',
    'tile/0/x009/x007/x199/x254/x740/992',
    'tile/0/x999/x999/x999/x999/x999/x999/999',
    '',
  ];
  for (const path of refused) assert.equal(parseTilePath(path), null, path);
  for (const bad of [
    tile(0, 0, 0),
    tile(0, 0, 257),
    tile(64, 0),
    tile(-2, 0),
    tile(0, -1),
    tile(0, 0.5),
    tile(0, 2 ** 53),
  ]) {
    assert.throws(() => tilePath(bad), RangeError);
  }
});
