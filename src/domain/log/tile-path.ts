/**
 * C2SP tlog-tiles resource paths: `tile/<L>/<N>[.p/<W>]` for hash tiles and
 * `tile/entries/<N>[.p/<W>]` for entry bundles. N is written in 3-digit groups, every group but
 * the last prefixed with `x` (1234067 is `x001/x234/067`); `.p/<W>` marks a partial tile. Each tile
 * has exactly one path: the parser refuses every other spelling (leading zeros, missing or extra
 * padding, `.p/256`, `.p/0`), as Go's ParseTilePath does by re-encoding (golang.org/x/mod/sumdb/tlog
 * tile.go; BSD-3-Clause, The Go Authors).
 */

import { MAX_TILE_LEVEL, TILE_WIDTH } from './tiles.ts';
import type { Tile } from './tiles.ts';

/** The level that names entry bundles (`tile/entries/…`) rather than hash tiles. */
export const ENTRIES_LEVEL = -1;

const GROUP = 1000;

/** N in `x001/x234/067` form. */
function encodeIndex(index: number): string {
  let rest = Math.floor(index / GROUP);
  let path = String(index % GROUP).padStart(3, '0');
  for (; rest > 0; rest = Math.floor(rest / GROUP)) path = `x${String(rest % GROUP).padStart(3, '0')}/${path}`;
  return path;
}

/**
 * The path of a hash tile (level 0 to 63) or, at ENTRIES_LEVEL, an entry bundle: `tile/0/x001/067`,
 * `tile/1/000.p/17`, `tile/entries/x001/067.p/3`. Throws a RangeError for anything that is not a
 * tile.
 */
export function tilePath(tile: Tile): string {
  const { level, index, width } = tile;
  const levelOk = level === ENTRIES_LEVEL || (Number.isInteger(level) && level >= 0 && level <= MAX_TILE_LEVEL);
  const widthOk = Number.isInteger(width) && width >= 1 && width <= TILE_WIDTH;
  if (!levelOk || !Number.isSafeInteger(index) || index < 0 || !widthOk) {
    throw new RangeError(`not a tile: ${JSON.stringify(tile)}`);
  }
  const partial = width === TILE_WIDTH ? '' : `.p/${width}`;
  return `tile/${level === ENTRIES_LEVEL ? 'entries' : level}/${encodeIndex(index)}${partial}`;
}

// A decimal with no leading zero; N's groups; a partial width.
const PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * The tile a path names, or null unless the path is exactly tilePath of some tile: level 0 to 63
 * or `entries`, N within safe integers, W from 1 to 255, every number spelled canonically.
 */
export function parseTilePath(path: string): Tile | null {
  const match = PATH.exec(path);
  if (match === null) return null;
  const [, levelText, indexText, widthText] = match;
  const level = levelText === 'entries' ? ENTRIES_LEVEL : Number(levelText);
  const index = indexText!.split('/').reduce((n, group) => n * GROUP + Number(group.replace('x', '')), 0);
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (level > MAX_TILE_LEVEL || !Number.isSafeInteger(index) || width > TILE_WIDTH) return null;
  const tile = { level, index, width };
  // Only one spelling per tile: this also refuses N with leading zero groups (`x000/001`).
  return tilePath(tile) === path ? tile : null;
}
