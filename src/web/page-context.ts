/**
 * What every page route needs before it renders: the request's language (`?lang=`, the visible
 * switch, remembered in a `lang` cookie; else the cookie; else Accept-Language) as a
 * `PageContext`, and one way to send the rendered page.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from './html.ts';
import { asLocale, langCookie, pickLocale, translator } from './i18n/index.ts';
import type { PageContext } from './layout.ts';

const ONE_YEAR = 365 * 24 * 3600;

export interface ContextOptions {
  /** The path the language switch returns to (a POST target must name its GET page); default: this request's path. */
  readonly path?: string;
  /** Whether the switch keeps this request's query parameters (search terms, page numbers); default true. */
  readonly keepQuery?: boolean;
}

/** The page's language and the query the language switch keeps. */
export function pageContext(request: FastifyRequest, reply: FastifyReply, options: ContextOptions = {}): PageContext {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const chosen = asLocale(query.lang);
  if (chosen !== undefined)
    reply.header('set-cookie', `lang=${chosen}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax; HttpOnly`);
  const locale = pickLocale({
    query: chosen,
    cookie: langCookie(request.headers.cookie),
    acceptLanguage: request.headers['accept-language'],
  });
  const kept =
    options.keepQuery === false
      ? {}
      : Object.fromEntries(
          Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'lang'),
        );
  return { locale, t: translator(locale), path: options.path ?? request.url.split('?')[0]!, query: kept };
}

/**
 * Signed-in answers are never stored: what one person saw must not be served to the next. (Nor framed, as no answer
 * is: the security headers' CSP, which this once replaced with its frame-ancestors alone, dropping the rest.)
 */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}

/**
 * Sends a rendered page. Pages vary by language (cookie, Accept-Language). Public pages may be
 * revalidated by the browser (`private, no-cache`); signed-in pages are never stored
 * (`no-store`), so what one person saw is not shown to the next user of the same browser.
 */
export function sendPage(
  reply: FastifyReply,
  page: SafeHtml,
  options: { status?: number; signedIn?: boolean } = {},
): FastifyReply {
  reply
    .status(options.status ?? reply.statusCode)
    .type('text/html; charset=utf-8')
    .header('vary', 'Accept-Language, Cookie');
  if (options.signedIn === true) noStore(reply);
  else reply.header('cache-control', 'private, no-cache');
  return reply.send(page.value);
}
