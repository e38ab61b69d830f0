/**
 * Session ids and CSRF tokens. A session id is 256 random bits; the server keeps only its
 * SHA-256. The session's CSRF token is derived from the id (a different hash), so it needs no
 * storage, cannot be forged without the id, and does not reveal the id (OWASP CSRF cheat sheet:
 * synchronizer token per session). Before a session exists, the sign-in form uses a double-submit
 * cookie: a random token in a cookie and the same token in the form.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

/** What the sessions table stores in place of the id. */
export function sessionIdHash(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update('credence-csrf\0').update(sessionId).digest('base64url');
}

/** Constant-time equality of two tokens; false when either is missing. */
export function tokensMatch(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
