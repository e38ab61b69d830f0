/**
 * What page routes use to admit staff: `requireStaff(request, roles)` returns the signed-in
 * staff member or throws a coded error; on any request but GET/HEAD it also checks the form's
 * CSRF token. `pageErrorHandler` turns those errors into a redirect to /sign-in or an HTML page;
 * a page scope installs it with `scope.setErrorHandler(pageErrorHandler)`.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { logAnswer, toCredenceError } from '../../shell/error-handler.ts';
import type { StaffRole } from '../../services/accounts/staff-accounts.service.ts';
import type { ServiceContext } from '../../services/context.ts';
import { clearCookie, readCookie, SESSION_COOKIE } from './cookies.ts';
import { noStore, pageContext, sendPage } from '../page-context.ts';
import { errorPage } from './sign-in.page.ts';
import { resolveSession, type SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import { tokensMatch } from '../../services/accounts/tokens.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where sessions are looked up; decorated on the root instance by the staff-auth routes. */
    staffAuth: ServiceContext;
  }
}

const resolved = new WeakMap<FastifyRequest, SignedInStaff | undefined>();

/** The signed-in staff member of this request, if any (looked up once per request). */
export async function currentStaff(request: FastifyRequest): Promise<SignedInStaff | undefined> {
  if (resolved.has(request)) return resolved.get(request);
  const ctx = (request.server as FastifyInstance).staffAuth;
  const staff = await resolveSession(ctx, readCookie(request, SESSION_COOKIE));
  resolved.set(request, staff);
  return staff;
}

/** The token a page form posted: the `csrf` field, or an `x-csrf-token` header for scripts. */
export function postedCsrfToken(request: FastifyRequest): unknown {
  const body = request.body as { csrf?: unknown } | null | undefined;
  return (typeof body === 'object' && body !== null ? body.csrf : undefined) ?? request.headers['x-csrf-token'];
}

export function checkCsrf(request: FastifyRequest, expected: string): void {
  if (!tokensMatch(postedCsrfToken(request), expected)) {
    throw new CredenceError(
      'CRD_CSRF_INVALID',
      'the form’s security token is missing or does not match your session; reload the page and try again',
    );
  }
}

/**
 * The signed-in staff member if their role is among `roles`; throws CRD_SIGN_IN_REQUIRED or CRD_FORBIDDEN otherwise.
 */
export async function requireStaff(request: FastifyRequest, roles: readonly StaffRole[]): Promise<SignedInStaff> {
  const staff = await currentStaff(request);
  if (staff === undefined) throw new CredenceError('CRD_SIGN_IN_REQUIRED', 'sign in to open this page');
  if (!roles.includes(staff.role))
    throw new CredenceError(
      'CRD_FORBIDDEN',
      `a ${staff.role} account may not open ${request.routeOptions.url ?? request.url}`,
    );
  if (request.method !== 'GET' && request.method !== 'HEAD') checkCsrf(request, staff.csrf_token);
  return staff;
}

/** A local path to return to after sign-in, or undefined (no open redirects: "//host" is refused). */
export function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]{0,500}$/.test(value) ? value : undefined;
}

/** The error handler of page scopes: sign-in required → 303 to /sign-in; other errors → a coded HTML page. */
export function pageErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = toCredenceError(error);
  logAnswer(request, coded, error);
  if (coded.code === 'CRD_SIGN_IN_REQUIRED') {
    if (readCookie(request, SESSION_COOKIE) !== undefined) clearCookie(reply, SESSION_COOKIE);
    const next = request.method === 'GET' ? safeNext(request.url) : undefined;
    return noStore(reply).redirect(next === undefined ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`, 303);
  }
  // The language switch of an error page returns to a page one can GET, never to a POST target.
  const ctx = pageContext(request, reply, request.method === 'GET' ? {} : { path: '/sign-in', keepQuery: false });
  return sendPage(reply, errorPage(ctx, coded), { status: coded.status, signedIn: true });
}
