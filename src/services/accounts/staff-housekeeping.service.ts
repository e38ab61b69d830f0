/**
 * Housekeeping of sign-in state: ended and expired staff and portal sessions, old sign-in
 * throttle rows and abandoned OpenID Connect sign-ins are deleted once they are a week old.
 * They prove nothing after that (sign-ins and disablements are in the ledger) and would
 * otherwise grow without bound (GDPR Art. 5(1)(e): kept no longer than needed).
 */

import { deleteSignInThrottlesBefore, deleteStaffSessionsEndedBefore } from '../../store/staff.repository.ts';
import { deleteOidcSignInsBefore, deleteSubjectSessionsBefore } from '../../store/subject-sessions.repository.ts';
import type { ServiceContext } from '../context.ts';

/** How long a dead session or a stale throttle row is kept; far beyond any lock (15 minutes). */
export const STAFF_SIGN_IN_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface StaffPurgeCounts {
  readonly sessions: number;
  readonly throttles: number;
  readonly subjectSessions: number;
  readonly oidcSignIns: number;
}

/** Deletes what ended more than the retention period before the context's clock; a live session is never touched. */
export async function purgeStaleStaffSignIns(ctx: ServiceContext): Promise<StaffPurgeCounts> {
  const db = ctx.db;
  const before = new Date(ctx.clock().getTime() - STAFF_SIGN_IN_RETENTION_MS);
  const sessions = await deleteStaffSessionsEndedBefore(db, before);
  const throttles = await deleteSignInThrottlesBefore(db, before);
  const subjectSessions = await deleteSubjectSessionsBefore(db, before);
  const oidcSignIns = await deleteOidcSignInsBefore(db, before);
  return { sessions, throttles, subjectSessions, oidcSignIns };
}
