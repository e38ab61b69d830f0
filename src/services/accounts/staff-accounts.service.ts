/**
 * Staff accounts for the consoles: operators, and agency clerks bound to one agency, with the
 * scope of the principal role of the same name. Only the memory-hard password hash is stored;
 * the ledger records who was created and disabled, never the hash.
 */

import { randomBytes } from 'node:crypto';
import { CredenceError, type ProblemDetail } from '../../errors.ts';
import { getAgency } from '../../store/principals.repository.ts';
import {
  endStaffSessionsOf,
  getStaffByUsername,
  insertStaffAccount,
  listStaff,
  setStaffDisabled,
  type StaffMember,
} from '../../store/staff.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.service.ts';
import { appendEvents } from '../ledger/ledger.service.ts';

/** A staff account as the consoles and the CLI show it (never its password hash). */
export type { StaffMember };

export type StaffRole = StaffMember['role'];
export const STAFF_ROLES: readonly StaffRole[] = ['operator', 'agency'];

export interface NewStaff {
  readonly username: string;
  readonly role: string;
  readonly agency_id?: string;
  readonly password: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** Usernames compare case-insensitively: stored and looked up lower-cased and trimmed. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function checkNewStaff(input: NewStaff, username: string): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const add = (path: string, message: string) => problems.push({ code: 'CRD_VALIDATION', path, message });
  if (!USERNAME.test(username))
    add(
      'username',
      'username must be 2-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  if (!STAFF_ROLES.includes(input.role as StaffRole)) add('role', `role must be one of ${STAFF_ROLES.join(', ')}`);
  if (input.role === 'agency' && input.agency_id === undefined) add('agency_id', 'an agency clerk needs --agency ID');
  if (input.role === 'operator' && input.agency_id !== undefined)
    add('agency_id', 'an operator is not bound to an agency');
  if ([...input.password].length < PASSWORD_MIN_LENGTH)
    add('password', `the password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  if ([...input.password].length > PASSWORD_MAX_LENGTH)
    add('password', `the password may have at most ${PASSWORD_MAX_LENGTH} characters`);
  return problems;
}

/** Creates a staff account; the password is hashed before the transaction opens. */
export async function createStaffAccount(ctx: ServiceContext, input: NewStaff): Promise<StaffMember> {
  const username = normalizeUsername(input.username);
  const problems = checkNewStaff(input, username);
  if (problems.length > 0)
    throw new CredenceError('CRD_VALIDATION', problems.map((p) => p.message).join('; '), problems);
  const passwordHash = await hashPassword(input.password);
  const id = `s_${randomBytes(8).toString('hex')}`;
  const agencyId = input.role === 'agency' ? input.agency_id! : null;
  const now = ctx.clock();
  await writeTransaction(ctx, async (trx) => {
    if (agencyId !== null && (await getAgency(trx, agencyId)) === undefined)
      throw new CredenceError('CRD_AGENCY_NOT_FOUND', `no agency "${agencyId}"`);
    if ((await getStaffByUsername(trx, username)) !== undefined)
      throw new CredenceError('CRD_STAFF_EXISTS', `a staff account "${username}" exists already`);
    await insertStaffAccount(trx, {
      id,
      username,
      role: input.role as StaffRole,
      agency_id: agencyId,
      password_hash: passwordHash,
      created_at: now,
      disabled_at: null,
    });
    await appendEvents(trx, now, [
      {
        type: 'staff.created',
        subject_id: null,
        payload: { staff: { id, username, role: input.role, agency_id: agencyId } },
      },
    ]);
  });
  return (await getStaffByUsername(ctx.db, username))!;
}

/** Disables an account and ends its open sessions at once. Disabling twice changes nothing. */
export async function disableStaffAccount(ctx: ServiceContext, username: string): Promise<StaffMember> {
  const name = normalizeUsername(username);
  const now = ctx.clock();
  await writeTransaction(ctx, async (trx) => {
    const staff = await getStaffByUsername(trx, name);
    if (staff === undefined) throw new CredenceError('CRD_STAFF_NOT_FOUND', `no staff account "${name}"`);
    if (!(await setStaffDisabled(trx, staff.id, now))) return;
    await endStaffSessionsOf(trx, staff.id, now);
    await appendEvents(trx, now, [
      { type: 'staff.disabled', subject_id: null, payload: { staff_id: staff.id, username: name } },
    ]);
  });
  return (await getStaffByUsername(ctx.db, name))!;
}

/** Every staff account (never a password hash). */
export async function listStaffAccounts(ctx: ServiceContext): Promise<StaffMember[]> {
  return listStaff(ctx.db);
}
