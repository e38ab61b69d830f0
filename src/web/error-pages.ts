/**
 * Errors for people (issue 11): a browser request that fails or finds nothing gets a page in the site layout and
 * the page's language (404, 403, 429 with its Retry-After, 500), never raw JSON; the API keeps its coded JSON.
 * A request is a browser's when it accepts text/html or asks for a path outside the API's.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError } from '../errors.ts';
import { handleError, logAnswer, toCredenceError } from '../shell/error-handler.ts';
import { pageContext, sendPage } from './page-context.ts';
import { refusedPage } from './public/refused.page.ts';

/** Paths whose answers are JSON (or text) for programs, whoever asks. */
const API_PATHS = ['/v1', '/log', '/openapi.json', '/health', '/metrics'];

/** Whether this request wants a page: it accepts text/html, or its path is no API's. */
function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  if (!API_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return true;
  return (request.headers.accept ?? '').toLowerCase().includes('text/html');
}

/** The page of a coded error, with the Retry-After the rate limiter set (in seconds). */
export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, coded: CredenceError): FastifyReply {
  // The language switch of an error page returns to a page one can GET, never to a POST target.
  const ctx = pageContext(request, reply, request.method === 'GET' ? {} : { path: '/', keepQuery: false });
  const retryAfter = Number(reply.getHeader('retry-after'));
  return sendPage(
    reply,
    refusedPage(ctx, { error: coded, retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined }),
    {
      status: coded.status,
    },
  );
}

/** The root error handler: a page for a browser, the coded JSON answer for the API. */
export function pageOrJsonError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (!wantsPage(request)) return handleError(error, request, reply);
  const coded = toCredenceError(error);
  logAnswer(request, coded, error);
  return sendErrorPage(request, reply, coded);
}

/** No route: a 404 page for a browser, the coded JSON 404 for the API. */
export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = new CredenceError('CRD_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
  if (!wantsPage(request)) return reply.status(404).send({ error: coded.toJSON() });
  return sendErrorPage(request, reply, coded);
}
