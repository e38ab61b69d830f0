/**
 * Static assets: the U.S. Web Design System's compiled CSS, fonts and images, served from its
 * npm package's dist folder under /assets/uswds/, plus our few lines of site.css and the portal's
 * one script. A tiny route rather than @fastify/static, so it can carry `config.public` for the auth hook.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** dist/ of @uswds/uswds: its package entry is dist/js/uswds.min.js. */
const USWDS_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.resolve('@uswds/uswds'))), '..');
const SITE_CSS = fileURLToPath(new URL('./site.css', import.meta.url));
/** The portal's in-browser check of a file against the public log: plain JavaScript, served as written. */
const LOG_CHECK_JS = fileURLToPath(new URL('./browser/log-check.js', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};
/** The package is pinned, so its files only change with a deploy: a day in caches is safe. */
const CACHE = 'public, max-age=86400';
/** Our own script changes with a deploy of Credence itself: an hour in caches. */
const SCRIPT_CACHE = 'public, max-age=3600';

export function assetRoutes(app: FastifyInstance): void {
  app.get<{ Params: { '*': string } }>(
    '/assets/uswds/*',
    { config: { public: true }, schema: { hide: true } },
    async (request, reply) => {
      const file = path.resolve(USWDS_DIST, request.params['*']);
      const type = TYPES[path.extname(file)];
      // Only files inside dist/ with a known type; `..` and anything else is a plain 404.
      if (!file.startsWith(USWDS_DIST + path.sep) || type === undefined) return notFound(reply);
      const body = await readFile(file).catch(() => undefined);
      if (body === undefined) return notFound(reply);
      return reply.type(type).header('cache-control', CACHE).send(body);
    },
  );
  app.get('/assets/site.css', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    return reply
      .type(TYPES['.css']!)
      .header('cache-control', CACHE)
      .send(await readFile(SITE_CSS));
  });
  app.get('/assets/log-check.js', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    return reply
      .type(TYPES['.js']!)
      .header('cache-control', SCRIPT_CACHE)
      .send(await readFile(LOG_CHECK_JS));
  });
}

function notFound(reply: import('fastify').FastifyReply) {
  return reply.status(404).type('text/plain; charset=utf-8').send('not found');
}
