/**
 * A HashReader served from tiles, each tile checked before any hash of it is used: the tiles on
 * the tree's right edge must rebuild the trusted tree hash, and every other tile must hash to its
 * entry in its (already checked) parent tile. So a monitor or a report checker can take tiles from
 * an untrusted server and still only ever see hashes of the tree it trusts. Port of Go's
 * golang.org/x/mod/sumdb/tlog TileHashReader (tile.go; BSD-3-Clause, The Go Authors), except that
 * every tile outside the right edge is checked (Go starts that loop at len(stx), the number of edge
 * hashes rather than of edge tiles, which can leave a tile unchecked).
 */

import { CredenceError } from '../../errors.ts';
import { HASH_SIZE, hashChildren, sameHash } from './merkle.ts';
import type { Hash } from './merkle.ts';
import type { HashReader } from './hash-reader.ts';
import { storedHashCount, storedHashIndex } from './stored-hashes.ts';
import { TILE_HEIGHT, TILE_WIDTH, hashFromTile, tileForIndex, tileHash } from './tiles.ts';
import type { Tile } from './tiles.ts';
import { tilePath } from './tile-path.ts';
import { treeHashIndexes } from './tree-proofs.ts';

/** Reads the data of these tiles, one byte string of exactly width × 32 bytes per tile, in order. */
export type TileReader = (tiles: readonly Tile[]) => Promise<Uint8Array[]>;

/** A tree the reader trusts, typically from a verified checkpoint. */
export interface TrustedTree {
  readonly size: number;
  readonly root: Hash;
}

/** The k-th ancestor of a tile in the tiles of a tree of `size` leaves, or null if there is none. */
function tileParent(tile: Tile, k: number, size: number): Tile | null {
  const level = tile.level + k;
  const index = Math.floor(tile.index / 2 ** (k * TILE_HEIGHT));
  const max = Math.floor(size / 2 ** (level * TILE_HEIGHT)); // hashes at this tile level
  const start = index * TILE_WIDTH;
  if (start >= max) return null;
  return { level, index, width: Math.min(TILE_WIDTH, max - start) };
}

/** The tiles to fetch, parents before children, and which tile serves each hash. */
interface Plan {
  readonly tiles: Tile[];
  readonly order: Map<string, number>;
  readonly edgeTiles: number[]; // the tile of each tree-hash index
  readonly edgeTileCount: number; // tiles[0 … edgeTileCount) are checked against the tree hash
  readonly indexTiles: number[]; // the tile of each requested index
}

function add(plan: { tiles: Tile[]; order: Map<string, number> }, tile: Tile): number {
  const key = tilePath(tile);
  const known = plan.order.get(key);
  if (known !== undefined) return known;
  plan.order.set(key, plan.tiles.length);
  plan.tiles.push(tile);
  return plan.tiles.length - 1;
}

function planTiles(tree: TrustedTree, edge: readonly number[], indexes: readonly number[]): Plan {
  const plan = { tiles: [] as Tile[], order: new Map<string, number>() };
  const edgeTiles = edge.map((x) => add(plan, tileParent(tileForIndex(x), 0, tree.size)!));
  const edgeTileCount = plan.tiles.length;
  const limit = storedHashCount(tree.size);
  const indexTiles = indexes.map((x) => {
    if (!Number.isSafeInteger(x) || x < 0 || x >= limit) {
      throw new RangeError(`stored index ${x} is not in a tree of ${tree.size} leaves`);
    }
    const tile = tileForIndex(x);
    // Walk up to a tile already planned (the edge tiles reach the top), then plan the way down.
    let k = 0;
    for (; !plan.order.has(tilePath(tileParent(tile, k, tree.size)!)); k++);
    for (k--; k >= 0; k--) {
      const parent = tileParent(tile, k, tree.size)!;
      if (parent.width !== TILE_WIDTH)
        throw new Error('tlog: bad math in tileHashReader: only full tiles have parents');
      add(plan, parent);
    }
    return plan.order.get(tilePath(tileParent(tile, 0, tree.size)!))!;
  });
  return { ...plan, edgeTiles, edgeTileCount, indexTiles };
}

async function fetchTiles(readTiles: TileReader, tiles: readonly Tile[]): Promise<Uint8Array[]> {
  const data = await readTiles(tiles);
  if (data.length !== tiles.length) {
    throw new CredenceError('CRD_LEDGER_BROKEN', `asked for ${tiles.length} tiles, read ${data.length}`);
  }
  tiles.forEach((tile, i) => {
    if (data[i]!.length !== tile.width * HASH_SIZE) {
      throw new CredenceError('CRD_LEDGER_BROKEN', `tile ${tilePath(tile)} is ${data[i]!.length} bytes`);
    }
  });
  return data;
}

/** Checks every tile: the edge tiles against the tree hash, the others against their parents. */
function authenticate(tree: TrustedTree, edge: readonly number[], plan: Plan, data: readonly Uint8Array[]): void {
  const last = edge.length - 1;
  let th = hashFromTile(plan.tiles[plan.edgeTiles[last]!]!, data[plan.edgeTiles[last]!]!, edge[last]!);
  for (let i = last - 1; i >= 0; i--) {
    th = hashChildren(hashFromTile(plan.tiles[plan.edgeTiles[i]!]!, data[plan.edgeTiles[i]!]!, edge[i]!), th);
  }
  if (!sameHash(th, tree.root)) {
    throw new CredenceError('CRD_LEDGER_BROKEN', `the tiles do not rebuild the tree hash of size ${tree.size}`);
  }
  for (let i = plan.edgeTileCount; i < plan.tiles.length; i++) {
    const tile = plan.tiles[i]!;
    const parent = tileParent(tile, 1, tree.size)!;
    const j = plan.order.get(tilePath(parent))!;
    const expected = hashFromTile(parent, data[j]!, storedHashIndex(parent.level * TILE_HEIGHT, tile.index));
    if (!sameHash(expected, tileHash(data[i]!))) {
      throw new CredenceError('CRD_LEDGER_BROKEN', `tile ${tilePath(tile)} does not match its parent tile`);
    }
  }
}

/**
 * A HashReader for the tree `tree` that fetches, with one call to `readTiles`, the tiles holding
 * the requested stored hashes plus those needed to check them, checks them all against
 * `tree.root`, and only then answers. Throws CRD_LEDGER_BROKEN if any tile does not match (the
 * server's tiles are not those of the trusted tree), a RangeError for an index outside the tree.
 */
export function tileHashReader(tree: TrustedTree, readTiles: TileReader): HashReader {
  return async (indexes) => {
    if (tree.size === 0) {
      if (indexes.length === 0) return [];
      throw new RangeError('the empty tree has no stored hashes');
    }
    const edge = treeHashIndexes(tree.size);
    const plan = planTiles(tree, edge, indexes);
    const data = await fetchTiles(readTiles, plan.tiles);
    authenticate(tree, edge, plan, data);
    return indexes.map((x, i) => hashFromTile(plan.tiles[plan.indexTiles[i]!]!, data[plan.indexTiles[i]!]!, x));
  };
}
