/**
 * The transparency log's public endpoints (issue 9), without a key: anyone may check the log. The verifier key,
 * the latest signed checkpoint, and the hash tiles (c2sp.org/tlog-tiles); the entry bundles carry personal data,
 * so only operator and auditor keys read them.
 */

import type { FastifyInstance, FastifyReply } from 'fastify';
import { ENTRIES_LEVEL, parseTilePath } from '../domain/log/tile-path.ts';
import type { Tile } from '../domain/log/tiles.ts';
import { CredenceError } from '../errors.ts';
import { latestCheckpointNote, readEntryBundle, readHashTile } from '../services/ledger/log-tiles.service.ts';
import type { AppDeps } from '../shell/deps.ts';

const TEXT = 'text/plain; charset=utf-8';
/** The key changes only when an operator starts a new log: an hour's caching costs nothing. */
const KEY_CACHE_CONTROL = 'public, max-age=3600';
const OCTETS = 'application/octet-stream';
/** c2sp.org/tlog-tiles: the checkpoint is mutable, so no caching beyond a few seconds. */
const CHECKPOINT_CACHE_CONTROL = 'public, max-age=2';
/** c2sp.org/tlog-tiles: a tile path, full or partial, always names the same bytes. */
const TILE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Entry bundles are immutable too, but personal data: never kept by a shared cache. */
const ENTRIES_CACHE_CONTROL = 'private, no-store';

/** The coded error envelope of every API error; for a tile, a non-canonical path or a tree not yet that large. */
const error = { $ref: 'Error#' } as const;
const octets = (description: string) => ({ description, content: { [OCTETS]: { schema: { type: 'string' } } } });

/** The tile a `tile/...` path names, or CRD_NOT_FOUND for any other spelling (c2sp.org/tlog-tiles). */
function tileAt(path: string, entries: boolean): Tile {
  const tile = parseTilePath(path);
  if (tile === null || (tile.level === ENTRIES_LEVEL) !== entries) {
    throw new CredenceError('CRD_NOT_FOUND', `${path} is not the canonical path of a tile`);
  }
  return tile;
}

function sendBytes(reply: FastifyReply, cacheControl: string, bytes: Buffer): FastifyReply {
  return reply.header('cache-control', cacheControl).type(OCTETS).send(bytes);
}

export function logRoutes(app: FastifyInstance, deps: AppDeps): void {
  const body = `${deps.logKey}\n`;
  app.get(
    '/log/key',
    {
      config: { public: true },
      schema: {
        summary: "The log's verifier key, which checks its signed checkpoints",
        description:
          'One line in c2sp.org/signed-note verifier key form, `<origin>+<8 hex key ID>+<base64 of 0x01 and ' +
          'the 32-byte Ed25519 public key>`, as `credence log key` prints it.',
        tags: ['log'],
        security: [],
        response: {
          200: {
            description: 'The verifier key and a newline',
            content: { [TEXT]: { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_request, reply) => reply.header('cache-control', KEY_CACHE_CONTROL).type(TEXT).send(body),
  );
  checkpointRoute(app, deps);
  tileRoutes(app, deps);
}

function checkpointRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/log/checkpoint',
    {
      config: { public: true },
      schema: {
        summary: "The log's published checkpoint",
        description:
          'A c2sp.org/tlog-checkpoint signed note: the origin, the tree size and the base64 RFC 6962 root hash, a ' +
          "blank line, then the log's Ed25519 signature (c2sp.org/signed-note), which `GET /log/key` checks, and " +
          'the cosignature/v1 lines of its witnesses: the latest checkpoint at least the quorum of them cosigned.',
        tags: ['log'],
        security: [],
        response: {
          200: { description: 'The signed checkpoint', content: { [TEXT]: { schema: { type: 'string' } } } },
          // CRD_LOG_NO_CHECKPOINT: no checkpoint is signed (and cosigned by the quorum) yet.
          404: error,
        },
      },
    },
    async (_request, reply) =>
      reply
        .header('cache-control', CHECKPOINT_CACHE_CONTROL)
        .type(TEXT)
        .send(await latestCheckpointNote(deps.rt)),
  );
}

function tileRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { '*': string } }>(
    '/log/tile/*',
    {
      config: { public: true },
      schema: {
        summary: 'A hash tile of the log (c2sp.org/tlog-tiles)',
        description:
          '`/log/tile/<L>/<N>` or `/log/tile/<L>/<N>.p/<W>`: the tile at level L, index N (in `x001/x234/067` ' +
          'form), W hashes wide when partial: the 32-byte hashes concatenated. Every other spelling is 404.',
        tags: ['log'],
        security: [],
        response: { 200: octets('The tile: width × 32 bytes, cacheable forever'), 404: error },
      },
    },
    async (request, reply) =>
      sendBytes(reply, TILE_CACHE_CONTROL, await readHashTile(deps.rt, tileAt(`tile/${request.params['*']}`, false))),
  );
  app.get<{ Params: { '*': string } }>(
    '/log/tile/entries/*',
    {
      config: { roles: ['operator', 'auditor'] },
      schema: {
        summary: 'An entry bundle of the log (c2sp.org/tlog-tiles): operator and auditor keys only',
        description:
          '`/log/tile/entries/<N>[.p/<W>]`: the entries (the exact leaf bytes of ledger events) from index N·256, ' +
          'each a big-endian uint16 length then its bytes. Personal data: not public.',
        tags: ['log'],
        response: { 200: octets('The entry bundle'), 401: error, 403: error, 404: error },
      },
    },
    async (request, reply) =>
      sendBytes(
        reply,
        ENTRIES_CACHE_CONTROL,
        await readEntryBundle(deps.rt, tileAt(`tile/entries/${request.params['*']}`, true)),
      ),
  );
}
