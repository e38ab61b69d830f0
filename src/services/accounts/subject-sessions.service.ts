/**
 * Portal sessions of subjects, kept server-side like staff sessions (only the SHA-256 of the
 * id is stored; the CSRF token is derived from the id): 30 minutes idle, 12 hours at most.
 *
 * The cookie is `SameSite=Lax`, not Strict as the staff cookie: an OpenID Connect sign-in ends
 * with the identity provider sending the browser back, a cross-site navigation, and a Strict
 * cookie set there would be withheld from the first portal page. Lax still keeps the cookie off
 * cross-site POSTs, and every portal form carries the session's CSRF token as well.
 */

import { stringifySetCookie } from 'cookie';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import {
  endSubjectSession,
  getOpenSubjectSession,
  insertSubjectSession,
  touchSubjectSession,
} from '../../store/subject-sessions.repository.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './staff-sessions.service.ts';
import { csrfTokenFor, isWellFormedToken, newToken, sessionIdHash } from './tokens.service.ts';

export const SUBJECT_SESSION_COOKIE = 'credence_portal';
/** The state of an OpenID Connect sign-in under way, binding the callback to this browser. */
export const OIDC_STATE_COOKIE = 'credence_oidc';

/** A subject signed in to the portal and the CSRF token their forms must carry. */
export interface SignedInSubject {
  readonly scheme: string;
  readonly id: string;
  readonly via: 'oidc' | 'demo';
  readonly csrf_token: string;
}

export interface SubjectSignIn {
  readonly scheme: string;
  readonly id: string;
  readonly via: 'oidc' | 'demo';
  readonly providerSubject: string | null;
}

/** Opens a session for an identifier already proven (or, in demo mode, taken on trust); returns its id. */
export async function openSubjectSession(db: Kysely<DB>, signIn: SubjectSignIn, now: Date): Promise<string> {
  const sessionId = newToken();
  await insertSubjectSession(db, {
    id_hash: sessionIdHash(sessionId),
    subject_scheme: signIn.scheme,
    subject_value: signIn.id,
    via: signIn.via,
    provider_subject: signIn.providerSubject,
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    ended_at: null,
  });
  return sessionId;
}

/** The subject a session id belongs to, or undefined when unknown, ended, idle too long or past its lifetime. */
export async function resolveSubjectSession(
  db: Kysely<DB>,
  sessionId: string | undefined,
  now: Date,
): Promise<SignedInSubject | undefined> {
  if (!isWellFormedToken(sessionId)) return undefined;
  const idHash = sessionIdHash(sessionId);
  const row = await getOpenSubjectSession(db, idHash);
  if (row === undefined) return undefined;
  if (now.getTime() - row.last_seen_at.getTime() >= SESSION_IDLE_MS || now >= row.expires_at) {
    await endSubjectSession(db, idHash, now);
    return undefined;
  }
  await touchSubjectSession(db, idHash, now);
  return { scheme: row.subject_scheme, id: row.subject_value, via: row.via, csrf_token: csrfTokenFor(sessionId) };
}

export async function closeSubjectSession(db: Kysely<DB>, sessionId: string | undefined, now: Date): Promise<void> {
  if (isWellFormedToken(sessionId)) await endSubjectSession(db, sessionIdHash(sessionId), now);
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
