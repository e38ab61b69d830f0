/** SQL for relationships (migration 014): a person's role in an organisation. */

import { sql } from 'kysely';
import type { Relationship } from '../domain/relationship.ts';
import type { Executor } from './executor.ts';

export interface StoredRelationship extends Relationship {
  readonly body_digest: string;
}

function toRelationship(row: Record<string, unknown>): StoredRelationship {
  return row as unknown as StoredRelationship;
}

/** Reserves `count` relationship ids from the sequence. */
export async function reserveRelationshipIds(db: Executor, count: number): Promise<string[]> {
  if (count === 0) return [];
  const result = await sql<{ id: string }>`
    select nextval('relationship_id_seq')::text as id from generate_series(1, ${count})`.execute(db);
  return result.rows.map((r) => r.id);
}

/** Existing relationships for (agency, source_ref) pairs: the idempotency lookup. */
export async function getRelationshipsBySourceRefs(
  db: Executor,
  agencyId: string,
  sourceRefs: readonly string[],
): Promise<StoredRelationship[]> {
  if (sourceRefs.length === 0) return [];
  const rows = await db
    .selectFrom('relationships')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('source_ref', 'in', sourceRefs)
    .execute();
  return rows.map(toRelationship);
}

export async function getRelationshipById(db: Executor, id: string): Promise<StoredRelationship | undefined> {
  const row = await db.selectFrom('relationships').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRelationship(row);
}

/** The relationships of the given persons, revoked ones included, oldest first. */
export async function getRelationshipsOfPersons(
  db: Executor,
  personIds: readonly string[],
): Promise<StoredRelationship[]> {
  if (personIds.length === 0) return [];
  // One array parameter, however many subjects: a projection pass asks about thousands at once.
  const rows = await db
    .selectFrom('relationships')
    .selectAll()
    .where(sql<boolean>`person_id = any(${personIds}::bigint[])`)
    .orderBy('id')
    .execute();
  return rows.map(toRelationship);
}

/** The relationships naming the given organisations, revoked ones included, oldest first. */
export async function getRelationshipsOfOrganizations(
  db: Executor,
  organizationIds: readonly string[],
): Promise<StoredRelationship[]> {
  if (organizationIds.length === 0) return [];
  const rows = await db
    .selectFrom('relationships')
    .selectAll()
    .where(sql<boolean>`organization_id = any(${organizationIds}::bigint[])`)
    .orderBy('id')
    .execute();
  return rows.map(toRelationship);
}

/** The persons with a relationship in force (not revoked) to any of the given organisations. */
export async function getPersonsRelatedTo(db: Executor, organizationIds: readonly string[]): Promise<string[]> {
  if (organizationIds.length === 0) return [];
  const rows = await db
    .selectFrom('relationships')
    .select('person_id')
    .distinct()
    .where(sql<boolean>`organization_id = any(${organizationIds}::bigint[])`)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.person_id);
}

export async function insertRelationships(db: Executor, rows: readonly StoredRelationship[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('relationships')
    .values(rows.map((r) => ({ ...r })))
    .execute();
}

/** Marks a relationship revoked at `at` with the agency's reason. */
export async function updateRelationshipRevoked(db: Executor, id: string, at: Date, reason: string): Promise<void> {
  await db
    .updateTable('relationships')
    .set({ status: 'revoked', revoked_at: at, revocation_reason: reason })
    .where('id', '=', id)
    .execute();
}
