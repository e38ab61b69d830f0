/**
 * The transparency log's public endpoints (issue 9), without a key: anyone may check the log. Today the verifier
 * key; the checkpoint and the tiles (c2sp.org/tlog-tiles) join it here.
 */

import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../shell/deps.ts';

const TEXT = 'text/plain; charset=utf-8';
/** The key changes only when an operator starts a new log: an hour's caching costs nothing. */
const KEY_CACHE_CONTROL = 'public, max-age=3600';

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
        produces: [TEXT],
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
}
