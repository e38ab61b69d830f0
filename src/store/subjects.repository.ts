/** SQL for subjects, their identifiers and name variants. */

import { sql } from 'kysely';

import { copyInto, copyTime, type CopyTarget } from './copy-in.ts';
import type { Executor } from './executor.ts';

export interface SubjectRow {
  readonly id: string;
  readonly kind: 'person' | 'organization';
  readonly name: string;
  readonly created_at: Date;
}

export interface IdentifiedSubject extends SubjectRow {
  readonly scheme: string;
  readonly value: string;
}

/** The subjects known by any of the given identifiers, one row per matching identifier. */
export async function getSubjectsByIdentifiers(
  db: Executor,
  keys: readonly { scheme: string; value: string }[],
): Promise<IdentifiedSubject[]> {
  if (keys.length === 0) return [];
  const result = await sql<IdentifiedSubject>`
    select s.id, s.kind, s.name, s.created_at, i.scheme, i.value
    from unnest(${keys.map((k) => k.scheme)}::text[], ${keys.map((k) => k.value)}::text[]) as k(scheme, value)
    join subject_identifiers i on i.scheme = k.scheme and i.value = k.value
    join subjects s on s.id = i.subject_id
  `.execute(db);
  return result.rows;
}

export async function getSubjectByIdentifier(
  db: Executor,
  scheme: string,
  value: string,
): Promise<SubjectRow | undefined> {
  return (await getSubjectsByIdentifiers(db, [{ scheme, value }]))[0];
}

export async function getIdentifiersOfSubjects(
  db: Executor,
  subjectIds: readonly string[],
): Promise<{ subject_id: string; scheme: string; value: string }[]> {
  if (subjectIds.length === 0) return [];
  return db
    .selectFrom('subject_identifiers')
    .select(['subject_id', 'scheme', 'value'])
    .where('subject_id', 'in', subjectIds)
    .execute();
}

export async function getNameVariants(
  db: Executor,
  subjectId: string,
): Promise<{ name: string; first_seen_at: Date; record_id: string | null }[]> {
  return db
    .selectFrom('subject_names')
    .select(['name', 'first_seen_at', 'record_id'])
    .where('subject_id', '=', subjectId)
    .orderBy('first_seen_at')
    .execute();
}

export async function getSubjectsByIds(db: Executor, ids: readonly string[]): Promise<SubjectRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('subjects').selectAll().where('id', 'in', ids).execute();
}

/** One page of subject ids greater than `afterId`, in id order. */
export async function getSubjectIdsAfter(db: Executor, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('subjects')
    .select('id')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** How many subjects the registry holds. */
export async function countSubjects(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('subjects')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Reserves `count` subject ids from the sequence. */
export async function reserveSubjectIds(db: Executor, count: number): Promise<string[]> {
  if (count === 0) return [];
  const result = await sql<{
    id: string;
  }>`select nextval('subject_id_seq')::text as id from generate_series(1, ${count})`.execute(db);
  return result.rows.map((r) => r.id);
}

export async function reserveRecordIds(db: Executor, count: number): Promise<string[]> {
  if (count === 0) return [];
  const result = await sql<{
    id: string;
  }>`select nextval('record_id_seq')::text as id from generate_series(1, ${count})`.execute(db);
  return result.rows.map((r) => r.id);
}

/** New subjects and their identifiers as COPY writes them (many at once: a bulk import's batch). */
const SUBJECTS_COPY: CopyTarget<SubjectRow> = {
  table: 'subjects',
  columns: ['id', 'kind', 'name', 'created_at'],
  fields: (r) => [r.id, r.kind, r.name, copyTime(r.created_at)],
};
const IDENTIFIERS_COPY: CopyTarget<IdentifiedSubject> = {
  table: 'subject_identifiers',
  columns: ['scheme', 'value', 'subject_id'],
  fields: (r) => [r.scheme, r.value, r.id],
};

export async function insertSubjects(
  db: Executor,
  rows: readonly (SubjectRow & { scheme: string; value: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  if (!(await copyInto(db, SUBJECTS_COPY, rows)))
    await sql`
      insert into subjects (id, kind, name, created_at)
      select * from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.kind)}::text[],
        ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.created_at)}::timestamptz[])
    `.execute(db);
  if (!(await copyInto(db, IDENTIFIERS_COPY, rows)))
    await sql`
      insert into subject_identifiers (scheme, value, subject_id)
      select * from unnest(${rows.map((r) => r.scheme)}::text[], ${rows.map((r) => r.value)}::text[],
        ${rows.map((r) => r.id)}::bigint[])
    `.execute(db);
}

export interface NameVariantRow {
  readonly subject_id: string;
  readonly name: string;
  readonly first_seen_at: Date;
  readonly record_id: string | null;
}

/** Inserts name variants, ignoring ones already known; returns those that were new. */
export async function insertNameVariants(db: Executor, rows: readonly NameVariantRow[]): Promise<NameVariantRow[]> {
  if (rows.length === 0) return [];
  const result = await sql<NameVariantRow>`
    insert into subject_names (subject_id, name, first_seen_at, record_id)
    select * from unnest(${rows.map((r) => r.subject_id)}::bigint[], ${rows.map((r) => r.name)}::text[],
      ${rows.map((r) => r.first_seen_at)}::timestamptz[], ${rows.map((r) => r.record_id)}::bigint[])
    on conflict do nothing
    returning subject_id::text, name, first_seen_at, record_id::text
  `.execute(db);
  return result.rows;
}
