/**
 * What every request is checked for before its route sees it, the same for the API and the pages: the URL's length
 * and the body's charset before anything is parsed (`checkRequestHead`, onRequest), then the text of the route
 * parameters, the query and the body (`refuseBadText`, preValidation). PostgreSQL cannot store a NUL in text, and
 * no other control character but tab, line feed and carriage return belongs in a registry's text either.
 */

import type { FastifyRequest } from 'fastify';
import { textProblems } from '../domain/text.ts';
import { CredenceError, type ProblemDetail } from '../errors.ts';

/** The request parts a route may check itself, to report bad text item by item or inline in its form. */
export type RequestPart = 'params' | 'querystring' | 'body';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Parts whose text the route checks itself: per item of a batch (the rest is filed), or in its form. The route
     * must then refuse control characters there before anything reaches the database.
     */
    ownTextCheck?: readonly RequestPart[];
  }
}

/**
 * The longest URL accepted, in characters (a URL on the wire is ASCII). RFC 9110 § 4.1 recommends supporting at least
 * 8,000 octets; longer ones are 414. Node refuses a request line and headers over 16 KiB before this (see
 * client-errors.ts).
 */
export const MAX_URL_LENGTH = 8192;

/** The charset a `Content-Type` names, lower-cased and unquoted, or undefined. */
function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, value] = parameter.split('=', 2);
    if (name?.trim().toLowerCase() === 'charset' && value !== undefined)
      return value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return undefined;
}

/** onRequest: a URL over MAX_URL_LENGTH is 414; a body in any charset but UTF-8 is 415, never read as UTF-8. */
export async function checkRequestHead(request: FastifyRequest): Promise<void> {
  if (request.url.length > MAX_URL_LENGTH)
    throw new CredenceError(
      'CRD_URL_TOO_LONG',
      `the URL has ${request.url.length} characters; this server accepts at most ${MAX_URL_LENGTH}`,
    );
  const charset = charsetOf(request.headers['content-type']);
  // RFC 8259 § 8.1: JSON is exchanged as UTF-8; forms and uploads are read as UTF-8 too.
  if (charset !== undefined && charset !== 'utf-8')
    throw new CredenceError(
      'CRD_UNSUPPORTED_MEDIA_TYPE',
      `the body must be UTF-8 (charset=utf-8, or no charset), not charset=${charset.slice(0, 40)}`,
    );
}

/**
 * preValidation: every string of the route parameters, the query and the parsed body (keys too), except the parts
 * the route checks itself, may hold no control character but tab, LF and CR, and must be well-formed Unicode.
 * A refusal is a CRD_VALIDATION 400 naming each field (`params.id`, `querystring.after`, `body.statement`).
 */
export async function refuseBadText(request: FastifyRequest): Promise<void> {
  if (request.is404) return; // an unknown route is 404 whatever its URL holds
  const own = request.routeOptions.config.ownTextCheck ?? [];
  const problems = [
    ...(own.includes('params') ? [] : textProblems(request.params, 'params')),
    ...(own.includes('querystring') ? [] : textProblems(request.query, 'querystring')),
    ...(own.includes('body') ? [] : textProblems(request.body, 'body')),
  ];
  const refusal = refusalOf(problems);
  if (refusal !== undefined) throw refusal;
}

/**
 * For a route that checks its own text (`ownTextCheck`): throws CRD_VALIDATION naming each string of `value` that
 * `refuseBadText` would refuse, with paths from `path` (form fields: '', so paths are the field names).
 */
export function refuseTextIn(value: unknown, path = ''): void {
  const refusal = textRefusal(value, path);
  if (refusal !== undefined) throw refusal;
}

/** The CRD_VALIDATION error `refuseTextIn` throws, for a form that shows it instead; undefined when all is well. */
export function textRefusal(value: unknown, path = ''): CredenceError | undefined {
  return refusalOf(textProblems(value, path));
}

function refusalOf(problems: readonly ProblemDetail[]): CredenceError | undefined {
  return problems.length === 0
    ? undefined
    : new CredenceError('CRD_VALIDATION', problems.map((p) => p.message).join('; '), problems);
}
