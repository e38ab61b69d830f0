/** The inquiry log as a subject's report reads it: the inquiries about them, and who made each. */

import type { Executor } from './executor.ts';

/** Where an inquiry was about: an identifier as it was asked. */
export interface InquiryIdentifierKey {
  readonly scheme: string;
  readonly id: string;
}

const MAX_INQUIRIES = 1000;

/** The latest inquiries (at most 1000) about any of these identifiers, newest first. */
export async function getInquiriesAbout(db: Executor, identifiers: readonly InquiryIdentifierKey[]) {
  if (identifiers.length === 0) return [];
  return db
    .selectFrom('inquiries')
    .select([
      'id',
      'at',
      'kind',
      'principal_id',
      'action',
      'purpose',
      'outcome',
      'policy_version',
      'subject_scheme',
      'subject_value',
      'review_id',
    ])
    .where((eb) =>
      eb.or(identifiers.map((i) => eb.and([eb('subject_scheme', '=', i.scheme), eb('subject_value', '=', i.id)]))),
    )
    .orderBy('at', 'desc')
    .limit(MAX_INQUIRIES)
    .execute();
}

/** The name and role of each of these API keys (principal ids). */
export async function getKeyNames(
  db: Executor,
  ids: readonly string[],
): Promise<{ id: string; name: string; role: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('principals').select(['id', 'name', 'role']).where('id', 'in', ids).execute();
}

/** The role of each of these staff accounts, and the name of its agency (null for operators). */
export async function getStaffNames(
  db: Executor,
  accountIds: readonly string[],
): Promise<{ id: string; role: string; agency: string | null }[]> {
  if (accountIds.length === 0) return [];
  return db
    .selectFrom('staff_accounts')
    .leftJoin('agencies', 'agencies.id', 'staff_accounts.agency_id')
    .select(['staff_accounts.id', 'staff_accounts.role', 'agencies.name as agency'])
    .where('staff_accounts.id', 'in', accountIds)
    .execute();
}
