/**
 * Subject sign-in for the portal: GET /portal/sign-in (the choices), GET /portal/sign-in/oidc →
 * the identity provider → GET /portal/callback (OpenID Connect authorization code flow with
 * PKCE, state bound to this browser by a cookie, nonce checked in the ID token), POST
 * /portal/demo-sign-in (demo mode only: 404 otherwise), POST /portal/sign-out. The sign-in
 * itself is services/accounts/subject-sign-in.service.ts; these routes parse, call it, set the
 * cookies and redirect.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inLanguage } from '../../domain/local-text.ts';
import { CredenceError } from '../../errors.ts';
import { SESSION_ABSOLUTE_MS } from '../../services/accounts/staff-sessions.service.ts';
import { closeSubjectSession } from '../../services/accounts/subject-sessions.service.ts';
import {
  beginSubjectSignIn,
  completeSubjectSignIn,
  demoSignIn,
  requireDemoSignIn,
  SIGN_IN_MAX_MS,
} from '../../services/accounts/subject-sign-in.service.ts';
import { tokensMatch } from '../../services/accounts/tokens.service.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { currentSubject, requireSubject } from '../portal/require-subject.ts';
import {
  OIDC_STATE_COOKIE,
  readCookie,
  SIGN_IN_CSRF_COOKIE,
  setPortalCookie,
  SUBJECT_SESSION_COOKIE,
  signInFormToken,
} from './cookies.ts';
import { portalSignInPage } from './portal-sign-in.page.ts';
import { safeNext } from './require-staff.ts';

const field = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const page = { config: { public: true } } as const;
/** Sign-in routes: 20 a minute per address, as the staff sign-in. */
const limited = { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } } as const;
const nextQuery = { type: 'object', properties: { next: field(500) } } as const;

export function portalAuthRoutes(scope: FastifyInstance, deps: AppDeps): void {
  signInPageRoute(scope, deps);
  oidcRoutes(scope, deps);
  demoSignInRoute(scope, deps);
  signOutRoute(scope, deps);
}

/** The sign-in choices, in the request's language, with the refusal of a demo sign-in if any. */
function sendSignInPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  next: string | undefined,
  error?: CredenceError,
): FastifyReply {
  const { oidc, demo } = deps.subjectSignIn;
  const ctx = pageContext(request, reply, { path: '/portal/sign-in' });
  const schemes = [...deps.rt.policy.identifier_schemes.values()].map((s) => ({
    id: s.id,
    name: inLanguage(s.name, ctx.locale),
  }));
  return sendPage(
    reply,
    portalSignInPage(ctx, {
      oidcIssuer: oidc === null ? null : new URL(oidc.settings.issuer).host,
      demoCsrf: demo ? signInFormToken(request, reply) : null,
      schemes,
      next,
      error,
    }),
    { signedIn: true, ...(error ? { status: error.status } : {}) },
  );
}

/** After a sign-in: the session's cookie, then the page asked for (a portal page) or the file. */
function goSignedIn(reply: FastifyReply, sessionId: string, next: string | undefined): FastifyReply {
  setPortalCookie(reply, SUBJECT_SESSION_COOKIE, sessionId, SESSION_ABSOLUTE_MS / 1000);
  return noStore(reply).redirect(next?.startsWith('/portal') ? next : '/portal', 303);
}

function signInPageRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: { next?: string } }>(
    '/portal/sign-in',
    { ...page, schema: { hide: true, querystring: nextQuery } },
    async (request, reply) => {
      const next = safeNext(request.query.next);
      if ((await currentSubject(request)) !== undefined) return noStore(reply).redirect(next ?? '/portal', 303);
      return sendSignInPage(deps, request, reply, next);
    },
  );
}

function oidcRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: { next?: string } }>(
    '/portal/sign-in/oidc',
    { ...limited, schema: { hide: true, querystring: nextQuery } },
    async (request, reply) => {
      const begun = await beginSubjectSignIn(deps.rt, deps.subjectSignIn.oidc, safeNext(request.query.next));
      setPortalCookie(reply, OIDC_STATE_COOKIE, begun.state, SIGN_IN_MAX_MS / 1000);
      return noStore(reply).redirect(begun.url.href, 303);
    },
  );

  scope.get<{ Querystring: Record<string, string | undefined> }>(
    '/portal/callback',
    {
      ...limited,
      schema: {
        hide: true,
        querystring: { type: 'object', additionalProperties: { type: 'string', maxLength: 4000 } },
      },
    },
    async (request, reply) => {
      const browserState = readCookie(request, OIDC_STATE_COOKIE);
      setPortalCookie(reply, OIDC_STATE_COOKIE, '', 0);
      const { sessionId, next } = await completeSubjectSignIn(deps.rt, deps.subjectSignIn.oidc, {
        query: request.query,
        browserState,
        previousSessionId: readCookie(request, SUBJECT_SESSION_COOKIE),
      });
      return goSignedIn(reply, sessionId, next);
    },
  );
}

function demoSignInRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: { csrf?: string; scheme?: string; id?: string; next?: string } }>(
    '/portal/demo-sign-in',
    {
      ...limited,
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { csrf: field(100), scheme: field(50), id: field(100), next: field(500) },
        },
      },
    },
    async (request, reply) => {
      requireDemoSignIn(deps.subjectSignIn.demo);
      const body = request.body ?? {};
      if (!tokensMatch(body.csrf, readCookie(request, SIGN_IN_CSRF_COOKIE)))
        throw new CredenceError(
          'CRD_CSRF_INVALID',
          'the sign-in form’s security token is missing or does not match; reload the page and try again',
        );
      const next = safeNext(body.next);
      try {
        const { sessionId, scheme } = await demoSignIn(deps.rt, deps.subjectSignIn.demo, {
          scheme: body.scheme ?? '',
          id: body.id ?? '',
          previousSessionId: readCookie(request, SUBJECT_SESSION_COOKIE),
        });
        request.log.warn({ scheme }, 'demo sign-in without proof of identity');
        return goSignedIn(reply, sessionId, next);
      } catch (error) {
        if (!(error instanceof CredenceError) || error.status !== 400) throw error;
        return sendSignInPage(deps, request, reply, next, error);
      }
    },
  );
}

function signOutRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: { csrf?: string } }>(
    '/portal/sign-out',
    {
      ...page,
      schema: { hide: true, body: { type: 'object', additionalProperties: false, properties: { csrf: field(100) } } },
    },
    async (request, reply) => {
      if ((await currentSubject(request)) !== undefined) {
        await requireSubject(request); // checks the CSRF token: a forged form signs no one out
        await closeSubjectSession(deps.rt, readCookie(request, SUBJECT_SESSION_COOKIE));
      }
      setPortalCookie(reply, SUBJECT_SESSION_COOKIE, '', 0);
      return noStore(reply).redirect('/portal/sign-in', 303);
    },
  );
}
