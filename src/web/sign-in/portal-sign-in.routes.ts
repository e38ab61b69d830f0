/**
 * Subject sign-in for the portal: GET /portal/sign-in (the choices), GET /portal/sign-in/oidc →
 * the identity provider → GET /portal/callback (OpenID Connect authorization code flow with
 * PKCE, state bound to this browser by a cookie, nonce checked in the ID token), POST
 * /portal/demo-sign-in (demo mode only: 404 otherwise), POST /portal/sign-out.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { checkSubjectRef, type SubjectRef } from '../../services/decisions/decisions.service.ts';
import { deleteOidcSignInsBefore, insertOidcSignIn, takeOidcSignIn } from '../../store/subject-sessions.repository.ts';
import { readCookie, SIGN_IN_CSRF_COOKIE, signInFormToken } from './cookies.ts';
import { safeNext } from './require-staff.ts';
import { currentSubject, requireSubject } from '../portal/require-subject.ts';
import { SESSION_ABSOLUTE_MS } from '../../services/accounts/staff-sessions.service.ts';
import {
  closeSubjectSession,
  OIDC_STATE_COOKIE,
  openSubjectSession,
  setPortalCookie,
  SUBJECT_SESSION_COOKIE,
  type SubjectSignIn,
} from '../../services/accounts/subject-sessions.service.ts';
import { sessionIdHash, tokensMatch } from '../../services/accounts/tokens.service.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { portalSignInPage } from './portal-sign-in.page.ts';
import type { AppDeps } from '../../shell/deps.ts';

/** How long a sign-in may take at the identity provider before its state is refused. */
const SIGN_IN_MAX_MS = 10 * 60_000;
const field = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const page = { config: { public: true } } as const;
/** Sign-in routes: 20 a minute per address, as the staff sign-in. */
const limited = { config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } } } as const;

export function portalAuthRoutes(scope: FastifyInstance, deps: AppDeps): void {
  const { oidc, demo } = deps.subjectSignIn;

  const signInPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    next: string | undefined,
    error?: CredenceError,
  ) => {
    const ctx = pageContext(request, reply, { path: '/portal/sign-in' });
    const schemes = [...deps.rt.policy.identifier_schemes.values()].map((s) => ({ id: s.id, name: s.name }));
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
  };

  scope.get<{ Querystring: { next?: string } }>(
    '/portal/sign-in',
    { ...page, schema: { hide: true, querystring: { type: 'object', properties: { next: field(500) } } } },
    async (request, reply) => {
      const next = safeNext(request.query.next);
      if ((await currentSubject(request)) !== undefined) return noStore(reply).redirect(next ?? '/portal', 303);
      return signInPage(request, reply, next);
    },
  );

  scope.get<{ Querystring: { next?: string } }>(
    '/portal/sign-in/oidc',
    { ...limited, schema: { hide: true, querystring: { type: 'object', properties: { next: field(500) } } } },
    async (request, reply) => {
      if (oidc === null)
        throw new CredenceError(
          'CRD_SUBJECT_SIGN_IN_UNAVAILABLE',
          'sign-in through an identity provider is not set up on this server',
        );
      const start = await oidc.start();
      const now = deps.rt.clock();
      await deleteOidcSignInsBefore(deps.rt.db, new Date(now.getTime() - SIGN_IN_MAX_MS));
      await insertOidcSignIn(deps.rt.db, {
        state_hash: sessionIdHash(start.state),
        code_verifier: start.codeVerifier,
        nonce: start.nonce,
        next: safeNext(request.query.next) ?? null,
        created_at: now,
      });
      setPortalCookie(reply, OIDC_STATE_COOKIE, start.state, SIGN_IN_MAX_MS / 1000);
      return noStore(reply).redirect(start.url.href, 303);
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
      if (oidc === null)
        throw new CredenceError(
          'CRD_SUBJECT_SIGN_IN_UNAVAILABLE',
          'sign-in through an identity provider is not set up on this server',
        );
      const state = request.query.state;
      const cookie = readCookie(request, OIDC_STATE_COOKIE);
      setPortalCookie(reply, OIDC_STATE_COOKIE, '', 0);
      // RFC 9700 § 4.7: the state must come back to the browser that started the sign-in.
      if (!tokensMatch(state, cookie))
        throw new CredenceError(
          'CRD_OIDC_FAILED',
          'this sign-in was not started in this browser, or it took too long; start it again',
        );
      const now = deps.rt.clock();
      const started = await takeOidcSignIn(deps.rt.db, sessionIdHash(state!));
      if (started === undefined || now.getTime() - started.created_at.getTime() > SIGN_IN_MAX_MS)
        throw new CredenceError('CRD_OIDC_FAILED', 'this sign-in has already been used or has expired; start it again');
      const callbackUrl = new URL(oidc.settings.redirectUri);
      callbackUrl.search = new URLSearchParams(request.query as Record<string, string>).toString();
      const verified = await oidc.finish(callbackUrl, {
        state: state!,
        nonce: started.nonce,
        codeVerifier: started.code_verifier,
      });
      let ref: SubjectRef;
      try {
        ref = identifierOf(deps, { scheme: oidc.settings.identifierScheme, id: verified.identifier });
      } catch (error) {
        throw new CredenceError(
          'CRD_OIDC_NO_IDENTIFIER',
          `the identity provider gave an identifier Credence cannot use (${(error as CredenceError).message})`,
          (error as CredenceError).details,
        );
      }
      return signInAndGo(
        request,
        reply,
        deps,
        { ...ref, via: 'oidc', providerSubject: verified.providerSubject },
        started.next ?? undefined,
      );
    },
  );

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
      if (!demo)
        throw new CredenceError(
          'CRD_SUBJECT_SIGN_IN_UNAVAILABLE',
          'the demo sign-in exists only in demo mode (CREDENCE_DEMO_MODE=on)',
        );
      const body = request.body ?? {};
      if (!tokensMatch(body.csrf, readCookie(request, SIGN_IN_CSRF_COOKIE)))
        throw new CredenceError(
          'CRD_CSRF_INVALID',
          'the sign-in form’s security token is missing or does not match; reload the page and try again',
        );
      const next = safeNext(body.next);
      try {
        const ref = identifierOf(deps, { scheme: body.scheme ?? '', id: body.id ?? '' });
        request.log.warn({ scheme: ref.scheme }, 'demo sign-in without proof of identity');
        return await signInAndGo(request, reply, deps, { ...ref, via: 'demo', providerSubject: null }, next);
      } catch (error) {
        if (!(error instanceof CredenceError) || error.status !== 400) throw error;
        return signInPage(request, reply, next, error);
      }
    },
  );

  scope.post<{ Body: { csrf?: string } }>(
    '/portal/sign-out',
    {
      ...page,
      schema: { hide: true, body: { type: 'object', additionalProperties: false, properties: { csrf: field(100) } } },
    },
    async (request, reply) => {
      if ((await currentSubject(request)) !== undefined) {
        await requireSubject(request); // checks the CSRF token: a forged form signs no one out
        await closeSubjectSession(deps.rt.db, readCookie(request, SUBJECT_SESSION_COOKIE), deps.rt.clock());
      }
      setPortalCookie(reply, SUBJECT_SESSION_COOKIE, '', 0);
      return noStore(reply).redirect('/portal/sign-in', 303);
    },
  );
}

/** The identifier, normalised and check-digit verified, or the coded problem with it (CRD_INVALID_IDENTIFIER, CRD_UNKNOWN_SCHEME). */
function identifierOf(deps: AppDeps, input: SubjectRef): SubjectRef {
  const ref = checkSubjectRef(deps.rt, input, 'identifier');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  return ref;
}

/** Opens the session (ending any earlier one of this browser: a sign-in never reuses a session) and goes on. */
async function signInAndGo(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
  signIn: SubjectSignIn,
  next: string | undefined,
): Promise<FastifyReply> {
  await closeSubjectSession(deps.rt.db, readCookie(request, SUBJECT_SESSION_COOKIE), deps.rt.clock());
  const sessionId = await openSubjectSession(deps.rt.db, signIn, deps.rt.clock());
  setPortalCookie(reply, SUBJECT_SESSION_COOKIE, sessionId, SESSION_ABSOLUTE_MS / 1000);
  return noStore(reply).redirect(next?.startsWith('/portal') ? next : '/portal', 303);
}
