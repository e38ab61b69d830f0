/**
 * Reading a tiled log over HTTP as any outside client does (c2sp.org/tlog-tiles): the signed checkpoint at
 * `<prefix>/checkpoint` and hash tiles at `<prefix>/tile/<L>/<N>[.p/<W>]`. Nothing read here is trusted: the
 * checkpoint is opened with the log's key by the caller, and tiles are checked against it by tileHashReader.
 * HTTP goes through an injected `fetch` (the global one in the CLI), so tests can serve a log from memory.
 */

import { HASH_SIZE } from '../../domain/log/merkle.ts';
import type { TileReader } from '../../domain/log/tile-hash-reader.ts';
import { tilePath } from '../../domain/log/tile-path.ts';
import { isFullTile, TILE_WIDTH, type Tile } from '../../domain/log/tiles.ts';
import { CredenceError } from '../../errors.ts';

/** The part of the Fetch API a log client uses: a GET of one URL. */
export type Fetch = (url: string) => Promise<Response>;

const NOT_FOUND = 404;

/**
 * The log's tlog-tiles prefix for a registry's public URL: `<url>/log`, without a trailing slash. Throws
 * CRD_USAGE unless `url` is an absolute http(s) URL.
 */
export function logPrefix(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CredenceError('CRD_USAGE', `--url ${JSON.stringify(url)} is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CredenceError('CRD_USAGE', `--url ${JSON.stringify(url)} is not an http or https URL`);
  }
  return `${url.replace(/\/+$/, '')}/log`;
}

/** GETs one URL; null on 404. Any other failure is CRD_LOG_UNREACHABLE, naming the URL. */
async function getBytes(fetch: Fetch, url: string): Promise<Uint8Array | null> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ` (${((error as Error).cause as Error).message})` : '';
    throw new CredenceError('CRD_LOG_UNREACHABLE', `could not fetch ${url}: ${(error as Error).message}${cause}`);
  }
  if (response.status === NOT_FOUND) return null;
  if (!response.ok) throw new CredenceError('CRD_LOG_UNREACHABLE', `${url} answered HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The signed checkpoint note at `<prefix>/checkpoint`, unverified. Throws CRD_LOG_UNREACHABLE. */
export async function fetchCheckpointNote(fetch: Fetch, prefix: string): Promise<Uint8Array> {
  const url = `${prefix}/checkpoint`;
  const bytes = await getBytes(fetch, url);
  if (bytes === null) throw new CredenceError('CRD_LOG_UNREACHABLE', `${url} answered HTTP 404: no checkpoint`);
  return bytes;
}

/**
 * One tile's data. A partial tile the log no longer serves (tlog-tiles: it MAY delete one once the full tile
 * exists) is read from the full tile's first W hashes. Throws CRD_LOG_UNREACHABLE when neither is there and
 * CRD_LOG_TILE_MISMATCH for data of the wrong length.
 */
async function fetchTile(fetch: Fetch, prefix: string, tile: Tile): Promise<Uint8Array> {
  const url = `${prefix}/${tilePath(tile)}`;
  const data = await getBytes(fetch, url);
  if (data !== null) return exactly(data, tile.width, url);
  if (isFullTile(tile)) throw new CredenceError('CRD_LOG_UNREACHABLE', `${url} answered HTTP 404: no such tile`);
  const fullUrl = `${prefix}/${tilePath({ ...tile, width: TILE_WIDTH })}`;
  const full = await getBytes(fetch, fullUrl);
  if (full === null) {
    throw new CredenceError('CRD_LOG_UNREACHABLE', `${url} and ${fullUrl} both answered HTTP 404: no such tile`);
  }
  return exactly(full, TILE_WIDTH, fullUrl).subarray(0, tile.width * HASH_SIZE);
}

function exactly(data: Uint8Array, width: number, url: string): Uint8Array {
  if (data.length !== width * HASH_SIZE) {
    throw new CredenceError(
      'CRD_LOG_TILE_MISMATCH',
      `${url} is ${data.length} bytes, not ${width * HASH_SIZE} (${width} hashes): it is not that tile`,
    );
  }
  return data;
}

/** A TileReader that fetches the tiles asked for, in parallel, from the log at `prefix`. */
export function httpTileReader(fetch: Fetch, prefix: string): TileReader {
  return (tiles) => Promise.all(tiles.map((tile) => fetchTile(fetch, prefix, tile)));
}
