/**
 * The cookies of staff sign-in. Both are HttpOnly (no script reads them), Secure (browsers also
 * accept Secure cookies from http://localhost and 127.0.0.1, so local tests work) and
 * SameSite=Strict: the redirect after sign-in is a same-site navigation, so Strict does not
 * break it; the cost is that following a link to a console from another site shows the sign-in
 * page once.
 *
 * The portal's cookies are `SameSite=Lax`, not Strict: an OpenID Connect sign-in ends with the
 * identity provider sending the browser back, a cross-site navigation, and a Strict cookie set
 * there would be withheld from the first portal page. Lax still keeps the cookie off cross-site
 * POSTs, and every portal form carries the session's CSRF token as well.
 */

import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWellFormedToken, newToken } from '../../services/accounts/tokens.service.ts';

export const SESSION_COOKIE = 'credence_session';
/** The double-submit token of the sign-in form, before a session exists. */
export const SIGN_IN_CSRF_COOKIE = 'credence_csrf';
/** The subject's portal session. */
export const SUBJECT_SESSION_COOKIE = 'credence_portal';
/** The state of an OpenID Connect sign-in under way, binding the callback to this browser. */
export const OIDC_STATE_COOKIE = 'credence_oidc';

const FLAGS = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' } as const;

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[name];
}

/**
 * Sets a cookie (Fastify appends to earlier set-cookie headers of this reply). Without maxAge it ends with the browser.
 */
export function setCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds?: number): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({ name, value, ...FLAGS, ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}) }),
  );
}

export function clearCookie(reply: FastifyReply, name: string): void {
  reply.header('set-cookie', stringifySetCookie({ name, value: '', ...FLAGS, maxAge: 0, expires: new Date(0) }));
}

/** A sign-in form's double-submit token (staff and portal demo sign-in): the cookie's if it has one, else a new one. */
export function signInFormToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = readCookie(request, SIGN_IN_CSRF_COOKIE);
  if (isWellFormedToken(existing)) return existing;
  const token = newToken();
  setCookie(reply, SIGN_IN_CSRF_COOKIE, token);
  return token;
}

/** Sets a portal cookie: HttpOnly, Secure, SameSite=Lax (see above). maxAge 0 clears it. */
export function setPortalCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({
      name,
      value,
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge: maxAgeSeconds,
      ...(maxAgeSeconds === 0 ? { expires: new Date(0) } : {}),
    }),
  );
}
