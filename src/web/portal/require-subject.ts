/**
 * What portal routes use to admit a subject: `requireSubject(request)` returns the signed-in
 * subject or throws a coded error; on any request but GET/HEAD it also checks the form's CSRF
 * token. The portal never takes a subject from the URL: every page and form acts on the
 * session's own subject, so one subject cannot reach another's file by editing a link.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PORTAL_PRINCIPAL_ID, type Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { logAnswer, toCredenceError } from '../../shell/error-handler.ts';
import type { ServiceContext } from '../../services/context.ts';
import { readCookie, setPortalCookie, SUBJECT_SESSION_COOKIE } from '../sign-in/cookies.ts';
import { noStore } from '../page-context.ts';
import { checkCsrf, safeNext } from '../sign-in/require-staff.ts';
import { resolveSubjectSession, type SignedInSubject } from '../../services/accounts/subject-sessions.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where portal sessions are looked up; decorated on the root instance by the portal routes. */
    subjectAuth: ServiceContext;
  }
}

const resolved = new WeakMap<FastifyRequest, SignedInSubject | undefined>();

/** The signed-in subject of this request, if any (looked up once per request). */
export async function currentSubject(request: FastifyRequest): Promise<SignedInSubject | undefined> {
  if (resolved.has(request)) return resolved.get(request);
  const ctx = (request.server as FastifyInstance).subjectAuth;
  const subject = await resolveSubjectSession(ctx, readCookie(request, SUBJECT_SESSION_COOKIE));
  resolved.set(request, subject);
  return subject;
}

/** The signed-in subject; throws CRD_SIGN_IN_REQUIRED without a session, CRD_CSRF_INVALID for a forged form. */
export async function requireSubject(request: FastifyRequest): Promise<SignedInSubject> {
  const subject = await currentSubject(request);
  if (subject === undefined) throw new CredenceError('CRD_SIGN_IN_REQUIRED', 'sign in to see your credit file');
  if (request.method !== 'GET' && request.method !== 'HEAD') checkCsrf(request, subject.csrf_token);
  return subject;
}

/** The subject principal the services authorise: it may read and act on this one subject's file only. */
export function subjectPrincipal(subject: SignedInSubject, now: Date): Principal {
  return {
    id: PORTAL_PRINCIPAL_ID,
    name: 'the subject, signed in to the portal',
    role: 'subject',
    agency_id: null,
    agency_kind: null,
    actions: [],
    purposes: [],
    subject: { scheme: subject.scheme, id: subject.id },
    created_at: now,
    revoked_at: null,
  };
}

/**
 * The portal's error handler: sign-in required → 303 to /portal/sign-in; other errors → the
 * portal's coded error page (rendered by `render`, so it has the site layout and language).
 */
export function portalErrorHandler(
  render: (error: CredenceError, request: FastifyRequest, reply: FastifyReply) => FastifyReply,
) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const coded = toCredenceError(error);
    logAnswer(request, coded, error);
    if (coded.code === 'CRD_SIGN_IN_REQUIRED') {
      if (readCookie(request, SUBJECT_SESSION_COOKIE) !== undefined)
        setPortalCookie(reply, SUBJECT_SESSION_COOKIE, '', 0);
      const next = request.method === 'GET' ? safeNext(request.url) : undefined;
      return noStore(reply).redirect(
        next === undefined || next === '/portal'
          ? '/portal/sign-in'
          : `/portal/sign-in?next=${encodeURIComponent(next)}`,
        303,
      );
    }
    return render(coded, request, reply.status(coded.status));
  };
}
