/** SQL for staff accounts, their sessions and the sign-in throttle. */

import type { Insertable, Transaction } from 'kysely';
import type { DB } from './schema.ts';
import type { StaffAccountsTable, StaffSessionsTable } from './schema-consoles.ts';

import type { Executor } from './executor.ts';

/** A staff account as the consoles see it: never its password hash. */
export interface StaffMember {
  readonly id: string;
  readonly username: string;
  readonly role: 'operator' | 'agency';
  readonly agency_id: string | null;
  readonly agency_name: string | null;
  readonly created_at: Date;
  readonly disabled_at: Date | null;
}

export interface StaffSessionRow {
  readonly staff: StaffMember;
  readonly last_seen_at: Date;
  readonly expires_at: Date;
}

const MEMBER_COLUMNS = [
  'staff_accounts.id',
  'staff_accounts.username',
  'staff_accounts.role',
  'staff_accounts.agency_id',
  'agencies.name as agency_name',
  'staff_accounts.created_at',
  'staff_accounts.disabled_at',
] as const;

function selectMembers(db: Executor) {
  return db.selectFrom('staff_accounts').leftJoin('agencies', 'agencies.id', 'staff_accounts.agency_id');
}

export async function insertStaffAccount(db: Executor, row: Insertable<StaffAccountsTable>): Promise<void> {
  await db.insertInto('staff_accounts').values(row).execute();
}

export async function getStaffByUsername(db: Executor, username: string): Promise<StaffMember | undefined> {
  return selectMembers(db).select(MEMBER_COLUMNS).where('staff_accounts.username', '=', username).executeTakeFirst();
}

/** The account with its password hash, for sign-in only. */
export async function getStaffCredentials(
  db: Executor,
  username: string,
): Promise<(StaffMember & { password_hash: string }) | undefined> {
  return selectMembers(db)
    .select([...MEMBER_COLUMNS, 'staff_accounts.password_hash'])
    .where('staff_accounts.username', '=', username)
    .executeTakeFirst();
}

export async function listStaff(db: Executor): Promise<StaffMember[]> {
  return selectMembers(db).select(MEMBER_COLUMNS).orderBy('staff_accounts.username').execute();
}

export async function setStaffDisabled(db: Executor, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('staff_accounts')
    .set({ disabled_at: at })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertStaffSession(db: Executor, row: Insertable<StaffSessionsTable>): Promise<void> {
  await db.insertInto('staff_sessions').values(row).execute();
}

/** An open (not ended) session and its account, by the hash of its id. */
export async function getOpenStaffSession(db: Executor, idHash: string): Promise<StaffSessionRow | undefined> {
  const row = await selectMembers(db)
    .innerJoin('staff_sessions', 'staff_sessions.staff_id', 'staff_accounts.id')
    .select([...MEMBER_COLUMNS, 'staff_sessions.last_seen_at', 'staff_sessions.expires_at'])
    .where('staff_sessions.id_hash', '=', idHash)
    .where('staff_sessions.ended_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { last_seen_at, expires_at, ...staff } = row;
  return { staff, last_seen_at, expires_at };
}

export async function touchStaffSession(db: Executor, idHash: string, at: Date): Promise<void> {
  await db.updateTable('staff_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function endStaffSession(db: Executor, idHash: string, at: Date): Promise<void> {
  await db
    .updateTable('staff_sessions')
    .set({ ended_at: at })
    .where('id_hash', '=', idHash)
    .where('ended_at', 'is', null)
    .execute();
}

export async function endStaffSessionsOf(db: Executor, staffId: string, at: Date): Promise<void> {
  await db
    .updateTable('staff_sessions')
    .set({ ended_at: at })
    .where('staff_id', '=', staffId)
    .where('ended_at', 'is', null)
    .execute();
}

export interface ThrottleRow {
  readonly failures: number;
  readonly window_started_at: Date;
  readonly locked_until: Date | null;
}

export async function getSignInThrottle(db: Executor, username: string): Promise<ThrottleRow | undefined> {
  return db
    .selectFrom('staff_sign_in_throttle')
    .select(['failures', 'window_started_at', 'locked_until'])
    .where('username', '=', username)
    .executeTakeFirst();
}

/** Locks the username's throttle row for the transaction, creating an empty one first. */
export async function lockSignInThrottle(trx: Transaction<DB>, username: string, now: Date): Promise<ThrottleRow> {
  await trx
    .insertInto('staff_sign_in_throttle')
    .values({ username, failures: 0, window_started_at: now, locked_until: null })
    .onConflict((oc) => oc.column('username').doNothing())
    .execute();
  return trx
    .selectFrom('staff_sign_in_throttle')
    .select(['failures', 'window_started_at', 'locked_until'])
    .where('username', '=', username)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function updateSignInThrottle(db: Executor, username: string, row: ThrottleRow): Promise<void> {
  await db.updateTable('staff_sign_in_throttle').set(row).where('username', '=', username).execute();
}

export async function deleteSignInThrottle(db: Executor, username: string): Promise<void> {
  await db.deleteFrom('staff_sign_in_throttle').where('username', '=', username).execute();
}

/** Deletes sessions that ended, or reached their absolute end, before `before`; resolves to how many. */
export async function deleteStaffSessionsEndedBefore(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('staff_sessions')
    .where((eb) => eb.or([eb('ended_at', '<', before), eb('expires_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes throttle rows whose window began, and whose lock (if any) ended, before `before`. */
export async function deleteSignInThrottlesBefore(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('staff_sign_in_throttle')
    .where('window_started_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
