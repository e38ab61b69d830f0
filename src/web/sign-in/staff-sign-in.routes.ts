/**
 * Staff sign-in pages: GET/POST /sign-in and POST /sign-out (the consoles are in
 * operator/operator.routes.ts and agency/agency.routes.ts). Pages answer HTML (errors too, as coded pages);
 * they skip the bearer-key hook (`public`) and admit staff by session with `requireStaff`.
 * Besides the per-username lock-out, POST /sign-in is limited per address, so one client cannot
 * try many usernames (password spraying; OWASP Authentication cheat sheet).
 */

import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { clearCookie, readCookie, SESSION_COOKIE, setCookie, SIGN_IN_CSRF_COOKIE, signInFormToken } from './cookies.ts';
import { signInPage, type SignInView } from './sign-in.page.ts';
import { checkCsrf, currentStaff, pageErrorHandler, safeNext } from './require-staff.ts';
import {
  SESSION_ABSOLUTE_MS,
  signIn,
  signOut,
  type SignedInStaff,
} from '../../services/accounts/staff-sessions.service.ts';
import { tokensMatch } from '../../services/accounts/tokens.service.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import type { AppDeps } from '../../shell/deps.ts';
import { textRefusal } from '../../shell/request-checks.ts';

interface SignInBody {
  username?: string;
  password?: string;
  csrf?: string;
  next?: string;
}

const field = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const page = { config: { public: true }, schema: { hide: true } } as const;
/** Sign-in attempts per address and minute: enough for a shared office, too few for spraying. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 20;

function homeOf(staff: SignedInStaff): string {
  return staff.role === 'operator' ? '/operator' : '/agency';
}

/** The sign-in form, in the request's language; its language switch returns to GET /sign-in. */
function sendSignIn(request: FastifyRequest, reply: FastifyReply, status: number, view: SignInView): FastifyReply {
  const ctx = pageContext(request, reply, { path: '/sign-in', keepQuery: false });
  return sendPage(reply, signInPage(ctx, view), { status, signedIn: true });
}

export function staffAuthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.decorate('staffAuth', deps.rt);
  app.register(async (scope) => {
    // Forms post application/x-www-form-urlencoded; parse it in this scope unless a parent does.
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    scope.setErrorHandler(pageErrorHandler);
    // Over the limit the hook throws this coded error, which pageErrorHandler renders as a page.
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new CredenceError(
          'CRD_RATE_LIMITED',
          `too many sign-in attempts from this address: at most ${context.max} a minute; retry in ${context.after}`,
        ),
    });
    signInFormRoute(scope);
    signInRoute(scope, deps);
    signOutRoute(scope, deps);
  });
}

function signInFormRoute(scope: FastifyInstance): void {
  scope.get<{ Querystring: { next?: string } }>(
    '/sign-in',
    { ...page, schema: { hide: true, querystring: { type: 'object', properties: { next: field(500) } } } },
    async (request, reply) => {
      const staff = await currentStaff(request);
      if (staff !== undefined) return noStore(reply).redirect(safeNext(request.query.next) ?? homeOf(staff), 303);
      return sendSignIn(request, reply, 200, {
        csrf: signInFormToken(request, reply),
        next: safeNext(request.query.next),
      });
    },
  );
}

function signInRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: SignInBody }>(
    '/sign-in',
    {
      config: {
        public: true,
        rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute' },
        ownTextCheck: ['body'], // a refusal is shown on the sign-in form
      },
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { username: field(200), password: field(1024), csrf: field(100), next: field(500) },
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const csrf = readCookie(request, SIGN_IN_CSRF_COOKIE);
      if (!tokensMatch(body.csrf, csrf))
        throw new CredenceError(
          'CRD_CSRF_INVALID',
          'the sign-in form’s security token is missing or does not match; reload the sign-in page and try again',
        );
      const view = { csrf: csrf!, next: safeNext(body.next), username: body.username };
      if (!body.username || !body.password)
        return sendSignIn(request, reply, 400, {
          ...view,
          error: new CredenceError('CRD_VALIDATION', 'enter your username and password'),
        });
      const refusal = textRefusal({ username: body.username, password: body.password });
      if (refusal !== undefined) return sendSignIn(request, reply, 400, { ...view, username: '', error: refusal });
      try {
        await signOut(deps.rt, readCookie(request, SESSION_COOKIE)); // a sign-in never reuses an old session
        const { sessionId, staff } = await signIn(deps.rt, { username: body.username, password: body.password });
        setCookie(reply, SESSION_COOKIE, sessionId, SESSION_ABSOLUTE_MS / 1000);
        clearCookie(reply, SIGN_IN_CSRF_COOKIE);
        return noStore(reply).redirect(view.next ?? homeOf(staff), 303);
      } catch (error) {
        if (!isCredenceError(error) || (error.code !== 'CRD_SIGN_IN_FAILED' && error.code !== 'CRD_SIGN_IN_LOCKED'))
          throw error;
        return sendSignIn(request, reply, error.status, { ...view, error });
      }
    },
  );
}

function signOutRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: { csrf?: string } }>(
    '/sign-out',
    {
      ...page,
      schema: { hide: true, body: { type: 'object', additionalProperties: false, properties: { csrf: field(100) } } },
    },
    async (request, reply) => {
      const staff = await currentStaff(request);
      if (staff !== undefined) {
        checkCsrf(request, staff.csrf_token);
        await signOut(deps.rt, readCookie(request, SESSION_COOKIE));
      }
      clearCookie(reply, SESSION_COOKIE);
      return noStore(reply).redirect('/sign-in', 303);
    },
  );
}
