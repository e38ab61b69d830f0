/**
 * Portal sessions of subjects, kept server-side like staff sessions (only the SHA-256 of the
 * id is stored; the CSRF token is derived from the id): 30 minutes idle, 12 hours at most. The
 * portal's cookies are set by the web shell (src/web/sign-in/cookies.ts).
 */

import {
  endSubjectSession,
  getOpenSubjectSession,
  insertSubjectSession,
  touchSubjectSession,
} from '../../store/subject-sessions.repository.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './staff-sessions.service.ts';
import { csrfTokenFor, isWellFormedToken, newToken, sessionIdHash } from './tokens.service.ts';
import type { ServiceContext } from '../context.ts';

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
export async function openSubjectSession(ctx: ServiceContext, signIn: SubjectSignIn): Promise<string> {
  const now = ctx.clock();
  const sessionId = newToken();
  await insertSubjectSession(ctx.db, {
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
  ctx: ServiceContext,
  sessionId: string | undefined,
): Promise<SignedInSubject | undefined> {
  if (!isWellFormedToken(sessionId)) return undefined;
  const { db } = ctx;
  const now = ctx.clock();
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

/** Ends the session; ending an unknown or ended session does nothing. */
export async function closeSubjectSession(ctx: ServiceContext, sessionId: string | undefined): Promise<void> {
  if (isWellFormedToken(sessionId)) await endSubjectSession(ctx.db, sessionIdHash(sessionId), ctx.clock());
}
