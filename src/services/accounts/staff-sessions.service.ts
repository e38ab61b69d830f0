/**
 * Staff sign-in and sessions. Sessions live server-side (OWASP Session Management cheat sheet):
 * an idle timeout of 30 minutes and an absolute lifetime of 12 hours. Repeated failures lock a
 * username: 5 failures within 15 minutes lock it for 15 minutes (NIST SP 800-63B § 5.2.2 asks for
 * a limit on failed attempts). Unknown users, wrong passwords and disabled accounts get the same
 * answer after the same work (a hash is always computed), so none can be told apart.
 */

import { CredenceError } from '../../errors.ts';
import { normalizeUsername } from './staff-accounts.service.ts';
import {
  deleteSignInThrottle,
  endStaffSession,
  getOpenStaffSession,
  getSignInThrottle,
  getStaffCredentials,
  insertStaffSession,
  lockSignInThrottle,
  touchStaffSession,
  updateSignInThrottle,
  type StaffMember,
} from '../../store/staff.repository.ts';
import { dummyPasswordHash, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.service.ts';
import { csrfTokenFor, isWellFormedToken, newToken, sessionIdHash } from './tokens.service.ts';
import type { ServiceContext } from '../context.ts';

const MINUTE = 60_000;
export const SESSION_IDLE_MS = 30 * MINUTE;
export const SESSION_ABSOLUTE_MS = 12 * 60 * MINUTE;
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * MINUTE;
export const LOCKOUT_MS = 15 * MINUTE;

/** A signed-in staff member and the CSRF token their forms must carry. */
export interface SignedInStaff extends StaffMember {
  readonly csrf_token: string;
}

const FAILED = 'the username or password is not correct';

function lockedError(until: Date): CredenceError {
  return new CredenceError(
    'CRD_SIGN_IN_LOCKED',
    `too many failed sign-ins for this username; try again after ${until.toISOString()}`,
  );
}

/** Signs in: returns the new session id (for the cookie only) and the staff member. */
export async function signIn(
  ctx: ServiceContext,
  input: { username: string; password: string },
): Promise<{ sessionId: string; staff: SignedInStaff }> {
  const { db } = ctx;
  const now = ctx.clock();
  const username = normalizeUsername(input.username).slice(0, 64);
  const throttle = await getSignInThrottle(db, username);
  if (throttle?.locked_until != null && throttle.locked_until > now) throw lockedError(throttle.locked_until);
  const account = await getStaffCredentials(db, username);
  const password = input.password.slice(0, PASSWORD_MAX_LENGTH * 4);
  const matches = await verifyPassword(password, account?.password_hash ?? (await dummyPasswordHash()));
  if (account === undefined || !matches || account.disabled_at !== null) {
    const lockedUntil = await recordFailure(db, username, now);
    throw lockedUntil === null ? new CredenceError('CRD_SIGN_IN_FAILED', FAILED) : lockedError(lockedUntil);
  }
  await deleteSignInThrottle(db, username);
  const sessionId = newToken();
  await insertStaffSession(db, {
    id_hash: sessionIdHash(sessionId),
    staff_id: account.id,
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    ended_at: null,
  });
  const { password_hash: _hash, ...staff } = account;
  return { sessionId, staff: { ...staff, csrf_token: csrfTokenFor(sessionId) } };
}

/** Counts a failure in the current window; returns when the username is now locked until, or null. */
async function recordFailure(db: ServiceContext['db'], username: string, now: Date): Promise<Date | null> {
  return db.transaction().execute(async (trx) => {
    const row = await lockSignInThrottle(trx, username, now);
    const inWindow = now.getTime() - row.window_started_at.getTime() < LOCKOUT_WINDOW_MS && row.failures > 0;
    const failures = inWindow ? row.failures + 1 : 1;
    if (failures >= LOCKOUT_FAILURES) {
      const lockedUntil = new Date(now.getTime() + LOCKOUT_MS);
      await updateSignInThrottle(trx, username, { failures: 0, window_started_at: now, locked_until: lockedUntil });
      return lockedUntil;
    }
    await updateSignInThrottle(trx, username, {
      failures,
      window_started_at: inWindow ? row.window_started_at : now,
      locked_until: null,
    });
    return null;
  });
}

/**
 * The staff member a session id belongs to, or undefined when it is unknown, ended, idle too
 * long, past its absolute lifetime, or its account is disabled. A live session's idle clock restarts.
 */
export async function resolveSession(
  ctx: ServiceContext,
  sessionId: string | undefined,
): Promise<SignedInStaff | undefined> {
  if (!isWellFormedToken(sessionId)) return undefined;
  const { db } = ctx;
  const now = ctx.clock();
  const idHash = sessionIdHash(sessionId);
  const row = await getOpenStaffSession(db, idHash);
  if (row === undefined) return undefined;
  const idle = now.getTime() - row.last_seen_at.getTime() >= SESSION_IDLE_MS;
  if (idle || now >= row.expires_at || row.staff.disabled_at !== null) {
    await endStaffSession(db, idHash, now);
    return undefined;
  }
  await touchStaffSession(db, idHash, now);
  return { ...row.staff, csrf_token: csrfTokenFor(sessionId) };
}

/** Ends the session; ending an unknown or ended session does nothing. */
export async function signOut(ctx: ServiceContext, sessionId: string | undefined): Promise<void> {
  if (isWellFormedToken(sessionId)) await endStaffSession(ctx.db, sessionIdHash(sessionId), ctx.clock());
}
