/** SQL for principals (API keys) and agencies. */

import type { AgencyContact } from '../domain/agency-contact.ts';
import type { Principal } from '../domain/principal.ts';
import type { Insertable, Transaction } from 'kysely';
import type { DB, PrincipalsTable } from './schema.ts';

import type { Executor } from './executor.ts';

const COLUMNS = [
  'principals.id',
  'principals.name',
  'principals.role',
  'principals.agency_id',
  'agencies.kind as agency_kind',
  'principals.actions',
  'principals.purposes',
  'principals.subject_scheme',
  'principals.subject_value',
  'principals.created_at',
  'principals.revoked_at',
] as const;

type Row = Omit<PrincipalsTable, 'key_hash' | 'key_prefix' | 'created_at' | 'revoked_at'> & {
  agency_kind: string | null;
  created_at: Date;
  revoked_at: Date | null;
};

function toPrincipal(row: Row): Principal {
  const { subject_scheme, subject_value, ...rest } = row;
  return {
    ...rest,
    subject: subject_scheme !== null && subject_value !== null ? { scheme: subject_scheme, id: subject_value } : null,
  };
}

function selectPrincipals(db: Executor) {
  return db.selectFrom('principals').leftJoin('agencies', 'agencies.id', 'principals.agency_id').select(COLUMNS);
}

export async function getActivePrincipalByKeyHash(db: Executor, keyHash: string): Promise<Principal | undefined> {
  const row = await selectPrincipals(db)
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toPrincipal(row as Row);
}

export async function getPrincipalById(db: Executor, id: string): Promise<Principal | undefined> {
  const row = await selectPrincipals(db).where('principals.id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toPrincipal(row as Row);
}

export async function listPrincipals(db: Executor): Promise<Principal[]> {
  return (await selectPrincipals(db).orderBy('principals.created_at').orderBy('principals.id').execute()).map((r) =>
    toPrincipal(r as Row),
  );
}

export async function insertPrincipal(db: Executor, row: Insertable<PrincipalsTable>): Promise<void> {
  await db.insertInto('principals').values(row).execute();
}

export async function setPrincipalRevoked(db: Executor, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('principals')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function getAgency(
  db: Executor,
  id: string,
): Promise<{ id: string; kind: string; name: string } | undefined> {
  return db.selectFrom('agencies').select(['id', 'kind', 'name']).where('id', '=', id).executeTakeFirst();
}

/** How to reach each of these agencies, for those registered with a contact (migration 017). */
export async function getAgencyContacts(db: Executor, ids: readonly string[]): Promise<Map<string, AgencyContact>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'contact'])
    .where('id', 'in', ids)
    .where('contact', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.contact!]));
}

/** An agency with how to reach it, as registered; undefined if there is none. */
export async function getAgencyWithContact(
  db: Executor,
  id: string,
): Promise<{ id: string; kind: string; name: string; contact: AgencyContact | null } | undefined> {
  return db.selectFrom('agencies').select(['id', 'kind', 'name', 'contact']).where('id', '=', id).executeTakeFirst();
}

/**
 * Every agency with how to reach it, by id. Unpaged: agencies are the registry's data providers (a city's courts
 * and departments), so they do not grow with the subjects.
 */
export async function getAgenciesWithContacts(
  db: Executor,
): Promise<{ id: string; kind: string; name: string; contact: AgencyContact | null }[]> {
  return db.selectFrom('agencies').select(['id', 'kind', 'name', 'contact']).orderBy('id').execute();
}

/** An agency with how to reach it, locked until the caller's transaction ends; undefined if there is none. */
export async function getAgencyForUpdate(
  trx: Transaction<DB>,
  id: string,
): Promise<{ id: string; kind: string; name: string; contact: AgencyContact | null } | undefined> {
  return trx
    .selectFrom('agencies')
    .select(['id', 'kind', 'name', 'contact'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Replaces how to reach the agency (null: no contact). */
export async function updateAgencyContact(db: Executor, id: string, contact: AgencyContact | null): Promise<void> {
  await db
    .updateTable('agencies')
    .set({ contact: contact === null ? null : JSON.stringify(contact) })
    .where('id', '=', id)
    .execute();
}

/** Inserts the agency unless it exists; returns true when it was new. */
export async function insertAgency(
  db: Executor,
  agency: { id: string; kind: string; name: string; created_at: Date; contact?: AgencyContact | null },
): Promise<boolean> {
  const { contact, ...row } = agency;
  const inserted = await db
    .insertInto('agencies')
    .values({ ...row, contact: contact == null ? null : JSON.stringify(contact) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
