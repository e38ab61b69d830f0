/**
 * Security headers on every answer, API and pages (helmet): a Content Security Policy that allows only Credence's own
 * stylesheets and module scripts (/assets/...; pages carry no inline script, style or handler), never framed
 * (frame-ancestors 'none'), nosniff, no Referer, and HSTS only where Credence is served over https.
 *
 * The headers are the same on every answer (no nonces), so helmet makes them once, at start, and each answer gets a
 * copy. @fastify/helmet ran helmet afresh per request, parsing the policy and setting eleven headers one by one on
 * Node's response: about 5 µs of every request, a decision's included.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** One year, the max-age hstspreload.org asks for; sibling hosts of the domain are not Credence's to pin. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** The CSP (W3C CSP Level 3): same-origin only, no inline code or styles, no plugins, never framed. */
function contentSecurityPolicy(https: boolean) {
  return {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'"],
      'style-src-attr': ["'none'"],
      // USWDS's stylesheet draws some icons as data: URIs.
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      ...(https ? { 'upgrade-insecure-requests': [] } : {}),
    },
  };
}

/**
 * Registers the headers before every other request hook, so refusals (bad text, rate limits, 401) carry them too.
 * `publicUrl` is CREDENCE_PUBLIC_URL: HSTS is sent only when browsers reach Credence over https (RFC 6797 §7.2:
 * a host must not send it over plain http).
 */
export async function registerSecurityHeaders(app: FastifyInstance, publicUrl: string | null): Promise<void> {
  const https = publicUrl?.startsWith('https:') === true;
  const headers = headersOf({
    contentSecurityPolicy: contentSecurityPolicy(https),
    frameguard: { action: 'deny' },
    // Addresses and query strings can carry identifiers and record ids; nothing in Credence reads Referer.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: false } : false,
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers helmet sets with `options`, as it sets them on a response. */
function headersOf(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name] = value;
    },
    removeHeader: () => {}, // X-Powered-By, which Fastify never sends
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined) throw error;
  });
  return Object.freeze(headers);
}

/**
 * The headers of an answer written before helmet's hook can run: Fastify's framework errors (a URL that is not
 * valid percent-encoded UTF-8) and Node's own parser refusals (client-errors.ts). Those bodies are always the coded
 * JSON envelope, so the policy allows nothing at all.
 */
export const PRE_ROUTING_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
});

/** Sets PRE_ROUTING_HEADERS on a reply made before routing (helmet's hook has not run for it). */
export function withPreRoutingHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers(PRE_ROUTING_HEADERS);
}
