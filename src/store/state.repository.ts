/** SQL for the projections derived from evaluation: subject_state and list_entries. */

import { sql } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

import type { Executor } from './executor.ts';

export interface SubjectStateRow {
  readonly subject_id: string;
  readonly score: number;
  readonly grade: string;
  readonly lists: unknown[];
  readonly active_lists: string[];
  readonly next_change_at: Date | null;
  readonly evaluated_at: Date;
  readonly policy_digest: string;
  readonly indexed: boolean;
  /** The listings of related organisations binding the subject (domain/related.ts `RelatedListing`). */
  readonly related: unknown[];
}

export interface ListEntryRow {
  readonly list_id: string;
  readonly subject_id: string;
  readonly status: string;
  readonly since: Date;
  readonly effective_from: Date;
  readonly until: Date;
  readonly record_ids: string[];
}

export async function upsertSubjectStates(db: Executor, rows: readonly SubjectStateRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof SubjectStateRow>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into subject_state
      (subject_id, score, grade, lists, active_lists, next_change_at, evaluated_at, policy_digest, indexed, related)
    select s, sc, g, l, string_to_array(a, ','), n, e, p, i, r
    from unnest(${col('subject_id')}::bigint[], ${col('score')}::int[], ${col('grade')}::text[],
      ${rows.map((r) => JSON.stringify(r.lists))}::jsonb[], ${rows.map((r) => r.active_lists.join(','))}::text[],
      ${col('next_change_at')}::timestamptz[], ${col('evaluated_at')}::timestamptz[], ${col('policy_digest')}::text[],
      ${col('indexed')}::boolean[], ${rows.map((r) => JSON.stringify(r.related))}::jsonb[])
      as t(s, sc, g, l, a, n, e, p, i, r)
    on conflict (subject_id) do update set score = excluded.score, grade = excluded.grade, lists = excluded.lists,
      active_lists = excluded.active_lists, next_change_at = excluded.next_change_at,
      evaluated_at = excluded.evaluated_at,
      policy_digest = excluded.policy_digest, indexed = excluded.indexed, related = excluded.related
  `.execute(db);
}

/** Replaces the list entries of the given subjects with `rows`. */
export async function replaceListEntries(
  db: Executor,
  subjectIds: readonly string[],
  rows: readonly ListEntryRow[],
): Promise<void> {
  if (subjectIds.length > 0)
    await sql`delete from list_entries where subject_id = any(${subjectIds}::bigint[])`.execute(db);
  if (rows.length === 0) return;
  const col = <K extends keyof ListEntryRow>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into list_entries (list_id, subject_id, status, since, effective_from, until, record_ids)
    select l, s, st, si, ef, u, string_to_array(r, ',')::bigint[]
    from unnest(${col('list_id')}::text[], ${col('subject_id')}::bigint[],
      ${col('status')}::text[], ${col('since')}::timestamptz[], ${col('effective_from')}::timestamptz[],
      ${col('until')}::timestamptz[],
      ${rows.map((r) => r.record_ids.join(','))}::text[]) as t(l, s, st, si, ef, u, r)
  `.execute(db);
}

/** The list memberships and related listings (as stored, dates as text) the projections hold for the subjects. */
export async function getSubjectLists(
  db: Executor,
  subjectIds: readonly string[],
): Promise<{ subject_id: string; lists: unknown[]; related: unknown[] }[]> {
  if (subjectIds.length === 0) return [];
  return db
    .selectFrom('subject_state')
    .select(['subject_id', 'lists', 'related'])
    .where('subject_id', 'in', subjectIds)
    .execute();
}

/** Subjects whose evaluation changes at or before `now`, soonest first, at most `limit`. */
export async function getSubjectIdsDueBy(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('subject_state')
    .select('subject_id')
    .where('next_change_at', '<=', now)
    .orderBy('next_change_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.subject_id);
}

/** The earliest moment any subject's evaluation changes by itself (null when none will). */
export async function getEarliestNextChange(db: Executor): Promise<Date | null> {
  const row = await db
    .selectFrom('subject_state')
    .select((eb) => eb.fn.min('next_change_at').as('at'))
    .executeTakeFirst();
  return (row?.at as Date | null | undefined) ?? null;
}

export interface IndexedIdentifier {
  readonly subject_id: string;
  readonly scheme: string;
  readonly value: string;
  readonly grade: string | null;
  readonly active_lists: string[] | null;
  readonly indexed: boolean | null;
  /** The related listings binding the subject (JSON, dates as text); null where it has no state. */
  readonly related: unknown[] | null;
  /** When the subject's evaluation next changes by itself (a listing's end); null where it has no state or none. */
  readonly next_change_at: Date | null;
}

/** One page of identifiers whose subject is indexed, by subject id: the decision index warm-up. */
export async function getIndexedIdentifiersPage(
  db: Executor,
  afterSubjectId: string,
  limit: number,
): Promise<IndexedIdentifier[]> {
  const result = await sql<IndexedIdentifier>`
    select s.subject_id::text, i.scheme, i.value, s.grade, s.active_lists, s.indexed, s.related, s.next_change_at
    from (select * from subject_state where indexed and subject_id > ${afterSubjectId}::bigint
      order by subject_id limit ${limit}) s
    join subject_identifiers i on i.subject_id = s.subject_id
    order by s.subject_id
  `.execute(db);
  return result.rows;
}

/** PostgreSQL writes on while the index takes in what it has sent (the default, 16 KiB, stalls it). */
const WARMUP_READ_AHEAD_BYTES = 8 * 1024 * 1024;
const INDEXED_IDENTIFIERS_COPY = `copy (
  select i.scheme, i.value, s.grade, array_to_string(s.active_lists, ','),
    floor(extract(epoch from s.next_change_at))::bigint,
    case when jsonb_array_length(s.related) > 0 then s.related end
  from subject_state s join subject_identifiers i on i.subject_id = s.subject_id
  where s.indexed
) to stdout`;

/**
 * Every identifier whose subject is indexed, as COPY text (one consistent snapshot, in no particular order): the
 * decision index warm-up. Columns: scheme, value, grade, active lists joined by commas, next change in whole seconds
 * since 1970 (`\N`: none), related listings as JSON (`\N`: none). The connection is returned once the copy has
 * ended, and closed if it stopped half way (a connection in the middle of a COPY cannot be reused).
 */
export async function* copyIndexedIdentifiers(pool: pg.Pool): AsyncGenerator<Buffer> {
  const client = await pool.connect();
  let ended = false;
  try {
    const copy = copyTo(INDEXED_IDENTIFIERS_COPY, { highWaterMark: WARMUP_READ_AHEAD_BYTES });
    yield* client.query(copy) as AsyncIterable<Buffer>;
    ended = true;
  } finally {
    client.release(ended ? undefined : new Error('the index warm-up stopped before its COPY ended'));
  }
}

/** Identifiers and current state of the given subjects (state may be absent). */
export async function getIdentifierStates(db: Executor, subjectIds: readonly string[]): Promise<IndexedIdentifier[]> {
  if (subjectIds.length === 0) return [];
  const result = await sql<IndexedIdentifier>`
    select i.subject_id::text, i.scheme, i.value, s.grade, s.active_lists, s.indexed, s.related,
      s.next_change_at
    from subject_identifiers i left join subject_state s on s.subject_id = i.subject_id
    where i.subject_id = any(${subjectIds}::bigint[])
  `.execute(db);
  return result.rows;
}
