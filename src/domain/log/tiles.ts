/**
 * C2SP tlog-tiles hash tiles: the tree served as runs of 256 consecutive hashes. The tile at level
 * L, index N holds the hashes of tree level 8·L at positions N·256 … N·256 + W − 1: at level 0 the
 * leaf hashes, above that each hash covering one full tile of the level below. A full tile has
 * W = 256; the rightmost tiles of a tree are partial (1 ≤ W ≤ 255). Port of Go's
 * golang.org/x/mod/sumdb/tlog tile.go with the height fixed at 8 (BSD-3-Clause, The Go Authors).
 */

import { CredenceError } from '../../errors.ts';
import { HASH_SIZE, hashChildren } from './merkle.ts';
import type { Hash } from './merkle.ts';
import { readHashes } from './hash-reader.ts';
import type { HashReader } from './hash-reader.ts';
import { splitStoredHashIndex, storedHashIndex } from './stored-hashes.ts';
import { assertCount, shiftLeft, shiftRight } from './tree-math.ts';

/** Tree levels per tile (C2SP tlog-tiles). */
export const TILE_HEIGHT = 8;

/** Hashes in a full tile: 2^TILE_HEIGHT. */
export const TILE_WIDTH = 256;

/** The largest tile level a path may name (C2SP tlog-tiles: 0 to 63). */
export const MAX_TILE_LEVEL = 63;

/** A tile: `level` L (tree level 8·L), `index` N within the level, `width` W hashes (256 when full). */
export interface Tile {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** Whether a tile is full (and so immutable and cacheable forever). */
export function isFullTile(tile: Tile): boolean {
  return tile.width === TILE_WIDTH;
}

/**
 * The narrowest tile holding the hash at a stored index, and where in that tile's data the hashes
 * that make it up lie: [start, end) in bytes. A hash between tile levels is the tree hash of a
 * power-of-two run of the tile's hashes.
 */
function locate(storedIndex: number): { readonly tile: Tile; readonly start: number; readonly end: number } {
  const split = splitStoredHashIndex(storedIndex);
  const level = Math.floor(split.level / TILE_HEIGHT);
  const within = split.level - level * TILE_HEIGHT; // the hash's level inside the tile
  const index = shiftRight(shiftLeft(split.n, within), TILE_HEIGHT);
  const n = split.n - shiftRight(shiftLeft(index, TILE_HEIGHT), within); // position in the tile at `within`
  const tile = { level, index, width: shiftLeft(n + 1, within) };
  return { tile, start: shiftLeft(n, within) * HASH_SIZE, end: shiftLeft(n + 1, within) * HASH_SIZE };
}

/** The tile of least width that holds the hash at a stored index. Go's TileForIndex. */
export function tileForIndex(storedIndex: number): Tile {
  return locate(storedIndex).tile;
}

/**
 * The hash of the subtree whose bottom row is the 2^k hashes in `data`: for a full tile, the hash
 * its parent tile holds for it. Go's tileHash.
 */
export function tileHash(data: Uint8Array): Hash {
  if (data.length === HASH_SIZE) return data.slice();
  const half = data.length / 2;
  return hashChildren(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}

/**
 * The hash at a stored index, read out of the data of `tile`, which must be tileForIndex(index) or
 * a wider tile of the same level and index. Throws CRD_LEDGER_BROKEN when the data is too short
 * and a RangeError when the hash is not in that tile. Go's HashFromTile.
 */
export function hashFromTile(tile: Tile, data: Uint8Array, storedIndex: number): Hash {
  if (!isTile(tile)) throw new RangeError(`not a tile: ${JSON.stringify(tile)}`);
  if (data.length < tile.width * HASH_SIZE) {
    throw new CredenceError('CRD_LEDGER_BROKEN', `tile data of ${data.length} bytes is too short for ${tile.width}`);
  }
  const { tile: home, start, end } = locate(storedIndex);
  if (tile.level !== home.level || tile.index !== home.index || tile.width < home.width) {
    throw new RangeError(`stored index ${storedIndex} is not in tile ${tile.level}/${tile.index}.p/${tile.width}`);
  }
  return tileHash(data.subarray(start, end));
}

function isTile(tile: Tile): boolean {
  return (
    Number.isInteger(tile.level) &&
    tile.level >= 0 &&
    tile.level <= MAX_TILE_LEVEL &&
    Number.isSafeInteger(tile.index) &&
    tile.index >= 0 &&
    Number.isInteger(tile.width) &&
    tile.width >= 1 &&
    tile.width <= TILE_WIDTH
  );
}

/**
 * The tiles that change when the tree grows from `oldSize` to `newSize` leaves: full tiles that
 * are new, then the partial tile of the new size, level by level. From size 0 these are all the
 * tiles of the tree (C2SP tlog-tiles: size 70,000 has 273 full and one 112-wide tile at level 0,
 * one full and one 17-wide tile at level 1, one 1-wide tile at level 2). Go's NewTiles.
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  assertCount('oldSize', oldSize);
  assertCount('newSize', newSize);
  const tiles: Tile[] = [];
  for (let level = 0; shiftRight(newSize, TILE_HEIGHT * level) > 0; level++) {
    const oldN = shiftRight(oldSize, TILE_HEIGHT * level);
    const newN = shiftRight(newSize, TILE_HEIGHT * level);
    if (oldN === newN) continue;
    const full = shiftRight(newN, TILE_HEIGHT);
    for (let index = shiftRight(oldN, TILE_HEIGHT); index < full; index++) {
      tiles.push({ level, index, width: TILE_WIDTH });
    }
    const width = newN - full * TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: full, width });
  }
  return tiles;
}

/** The stored indexes of a tile's hashes, left to right. */
export function tileHashIndexes(tile: Tile): number[] {
  const start = tile.index * TILE_WIDTH;
  return Array.from({ length: tile.width }, (_, i) => storedHashIndex(tile.level * TILE_HEIGHT, start + i));
}

/** A tile's data: its hashes concatenated, read from stored hashes in one call. Go's ReadTileData. */
export async function readTileData(tile: Tile, reader: HashReader): Promise<Uint8Array> {
  if (!isTile(tile)) throw new RangeError(`not a tile: ${JSON.stringify(tile)}`);
  return Buffer.concat(await readHashes(reader, tileHashIndexes(tile)));
}
