/** The inquiry log as a subject's report reads it: the inquiries about them, and who made each. */

import { type ExpressionBuilder, sql } from 'kysely';
import type { Executor } from './executor.ts';
import type { DB } from './schema.ts';

/** Where an inquiry was about: an identifier as it was asked. */
export interface InquiryIdentifierKey {
  readonly scheme: string;
  readonly id: string;
}

/** Where a page of inquiries starts: after the inquiry at `atMicros` (µs since the epoch, exact) with this id. */
export interface InquiryCursor {
  readonly atMicros: string;
  readonly id: string;
}

/** Any of these identifiers, as a WHERE condition on inquiries; not those made by the `excluding` principals. */
function aboutAny(identifiers: readonly InquiryIdentifierKey[], excluding: readonly string[] = []) {
  return (eb: ExpressionBuilder<DB, 'inquiries'>) => {
    const about = eb.or(
      identifiers.map((i) => eb.and([eb('subject_scheme', '=', i.scheme), eb('subject_value', '=', i.id)])),
    );
    return excluding.length === 0 ? about : eb.and([about, eb('principal_id', 'not in', excluding)]);
  };
}

/**
 * One page of the inquiries about any of these identifiers, newest first, ordered by (at, id) so ties keep their
 * order; `after` continues from the last inquiry of the previous page. Each row carries its own cursor.
 */
export async function getInquiriesAbout(
  db: Executor,
  identifiers: readonly InquiryIdentifierKey[],
  limit: number,
  after?: InquiryCursor,
  excluding: readonly string[] = [],
) {
  if (identifiers.length === 0) return [];
  let query = db
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
      // Exact to the microsecond, which a JavaScript Date is not.
      sql<string>`(extract(epoch from at) * 1000000)::bigint::text`.as('at_micros'),
    ])
    .where(aboutAny(identifiers, excluding));
  if (after !== undefined) {
    const afterAt = sql`timestamptz 'epoch' + ${after.atMicros}::bigint * interval '1 microsecond'`;
    query = query.where(sql<boolean>`(at, id) < (${afterAt}, ${after.id})`);
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** How many inquiries there are about any of these identifiers (not counting those the `excluding` made). */
export async function countInquiriesAbout(
  db: Executor,
  identifiers: readonly InquiryIdentifierKey[],
  excluding: readonly string[] = [],
): Promise<number> {
  if (identifiers.length === 0) return 0;
  const row = await db
    .selectFrom('inquiries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(aboutAny(identifiers, excluding))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many inquiries about any of these identifiers these principals made (a subject's own views of their file). */
export async function countInquiriesBy(
  db: Executor,
  identifiers: readonly InquiryIdentifierKey[],
  principals: readonly string[],
): Promise<number> {
  if (identifiers.length === 0 || principals.length === 0) return 0;
  const row = await db
    .selectFrom('inquiries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(aboutAny(identifiers))
    .where('principal_id', 'in', principals)
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
