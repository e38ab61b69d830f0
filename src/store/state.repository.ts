/** SQL for the projections derived from evaluation: subject_state and list_entries. */

import { sql } from 'kysely';

import { copyArray, copyInto, copyTime, type CopyTarget } from './copy-in.ts';
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
  /** What the entry rests on, for the public pages' keyset (migration 023): the subject's kind, ... */
  readonly subject_kind: string;
  /** ... the types of its records (distinct, sorted) and when the newest of them was decided. */
  readonly record_types: string[];
  readonly newest_decided_at: Date | null;
}

/** Every column but the key replaced: a subject's state is a function of its file, rewritten whole. */
const REPLACE_STATE = sql`on conflict (subject_id) do update set score = excluded.score, grade = excluded.grade,
  lists = excluded.lists, active_lists = excluded.active_lists, next_change_at = excluded.next_change_at,
  evaluated_at = excluded.evaluated_at, policy_digest = excluded.policy_digest, indexed = excluded.indexed,
  related = excluded.related`;

const NONE: ReadonlySet<string> = new Set();

/**
 * Writes the subjects' states, replacing any they had. Many rows (an import's batch, a rescoring's page) are copied
 * into a temporary table of the session (COPY, see copy-in.ts) and upserted from there in one statement; the states
 * of `fresh` subjects (registered in this transaction, so without one) are copied straight into the table.
 */
export async function upsertSubjectStates(
  db: Executor,
  rows: readonly SubjectStateRow[],
  fresh: ReadonlySet<string> = NONE,
): Promise<void> {
  const [created, replaced] = partition(rows, (r) => fresh.has(r.subject_id));
  const rest = (await copyInto(db, { ...STATE_COPY, table: 'subject_state' }, created)) ? replaced : rows;
  if (rest.length === 0) return;
  if (await copySubjectStates(db, rest)) return;
  const col = <K extends keyof SubjectStateRow>(key: K) => rest.map((r) => r[key]);
  await sql`
    insert into subject_state
      (subject_id, score, grade, lists, active_lists, next_change_at, evaluated_at, policy_digest, indexed, related)
    select s, sc, g, l, string_to_array(a, ','), n, e, p, i, r
    from unnest(${col('subject_id')}::bigint[], ${col('score')}::int[], ${col('grade')}::text[],
      ${rest.map((r) => JSON.stringify(r.lists))}::jsonb[], ${rest.map((r) => r.active_lists.join(','))}::text[],
      ${col('next_change_at')}::timestamptz[], ${col('evaluated_at')}::timestamptz[], ${col('policy_digest')}::text[],
      ${col('indexed')}::boolean[], ${rest.map((r) => JSON.stringify(r.related))}::jsonb[])
      as t(s, sc, g, l, a, n, e, p, i, r)
    ${REPLACE_STATE}
  `.execute(db);
}

/** The session's staging table for states; emptied at every commit, and by each use. */
const STATE_STAGE = 'subject_state_stage';
const STATE_COLUMNS = [
  'subject_id',
  'score',
  'grade',
  'lists',
  'active_lists',
  'next_change_at',
  'evaluated_at',
  'policy_digest',
  'indexed',
  'related',
];

/** States as COPY writes them. */
const STATE_COPY: CopyTarget<SubjectStateRow> = {
  table: STATE_STAGE,
  columns: STATE_COLUMNS,
  fields: (r) => [
    r.subject_id,
    String(r.score),
    r.grade,
    JSON.stringify(r.lists),
    copyArray(r.active_lists),
    copyTime(r.next_change_at),
    copyTime(r.evaluated_at),
    r.policy_digest,
    r.indexed ? 't' : 'f',
    JSON.stringify(r.related),
  ],
};

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

async function copySubjectStates(db: Executor, rows: readonly SubjectStateRow[]): Promise<boolean> {
  const target: CopyTarget<SubjectStateRow> = {
    ...STATE_COPY,
    before: async () => {
      await sql`create temporary table if not exists ${sql.table(STATE_STAGE)}
        (like subject_state including defaults) on commit delete rows`.execute(db);
    },
  };
  if (!(await copyInto(db, target, rows))) return false;
  const columns = sql.join(STATE_COLUMNS.map((c) => sql.ref(c)));
  await sql`insert into subject_state (${columns}) select ${columns} from ${sql.table(STATE_STAGE)}
    ${REPLACE_STATE}`.execute(db);
  await sql`truncate ${sql.table(STATE_STAGE)}`.execute(db);
  return true;
}

/** List entries as COPY writes them. */
const LIST_ENTRIES_COPY: CopyTarget<ListEntryRow> = {
  table: 'list_entries',
  columns: [
    'list_id',
    'subject_id',
    'status',
    'since',
    'effective_from',
    'until',
    'record_ids',
    'subject_kind',
    'record_types',
    'newest_decided_at',
  ],
  fields: (r) => [
    r.list_id,
    r.subject_id,
    r.status,
    copyTime(r.since),
    copyTime(r.effective_from),
    copyTime(r.until),
    copyArray(r.record_ids),
    r.subject_kind,
    copyArray(r.record_types),
    copyTime(r.newest_decided_at),
  ],
};

/**
 * Replaces the list entries of the given subjects with `rows` (many by COPY, see copy-in.ts); `fresh` subjects
 * (registered in this transaction) have none to delete.
 */
export async function replaceListEntries(
  db: Executor,
  subjectIds: readonly string[],
  rows: readonly ListEntryRow[],
  fresh: ReadonlySet<string> = NONE,
): Promise<void> {
  const stored = fresh.size === 0 ? subjectIds : subjectIds.filter((id) => !fresh.has(id));
  if (stored.length > 0) await sql`delete from list_entries where subject_id = any(${stored}::bigint[])`.execute(db);
  if (rows.length === 0) return;
  if (await copyInto(db, LIST_ENTRIES_COPY, rows)) return;
  const col = <K extends keyof ListEntryRow>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into list_entries (list_id, subject_id, status, since, effective_from, until, record_ids,
      subject_kind, record_types, newest_decided_at)
    select l, s, st, si, ef, u, string_to_array(r, ',')::bigint[], k, string_to_array(ty, ','), n
    from unnest(${col('list_id')}::text[], ${col('subject_id')}::bigint[],
      ${col('status')}::text[], ${col('since')}::timestamptz[], ${col('effective_from')}::timestamptz[],
      ${col('until')}::timestamptz[],
      ${rows.map((r) => r.record_ids.join(','))}::text[], ${col('subject_kind')}::text[],
      ${rows.map((r) => r.record_types.join(','))}::text[], ${col('newest_decided_at')}::timestamptz[])
      as t(l, s, st, si, ef, u, r, k, ty, n)
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

/** Of the given subjects, those whose stored state was evaluated under the policy `digest`. */
export async function getSubjectsStatedUnder(
  db: Executor,
  subjectIds: readonly string[],
  digest: string,
): Promise<Set<string>> {
  if (subjectIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('subject_state')
    .select('subject_id')
    .where('subject_id', 'in', subjectIds)
    .where('policy_digest', '=', digest)
    .execute();
  return new Set(rows.map((r) => String(r.subject_id)));
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
  /** The policy the state was evaluated under. */
  readonly policy_digest?: string | null;
}

/** One page of identifiers whose subject is indexed, by subject id: the decision index warm-up. */
export async function getIndexedIdentifiersPage(
  db: Executor,
  afterSubjectId: string,
  limit: number,
): Promise<IndexedIdentifier[]> {
  const result = await sql<IndexedIdentifier>`
    select s.subject_id::text, i.scheme, i.value, s.grade, s.active_lists, s.indexed, s.related, s.next_change_at,
      s.policy_digest
    from (select * from subject_state where indexed and subject_id > ${afterSubjectId}::bigint
      order by subject_id limit ${limit}) s
    join subject_identifiers i on i.subject_id = s.subject_id
    order by s.subject_id
  `.execute(db);
  return result.rows;
}

/** Identifiers and current state of the given subjects (state may be absent). */
export async function getIdentifierStates(db: Executor, subjectIds: readonly string[]): Promise<IndexedIdentifier[]> {
  if (subjectIds.length === 0) return [];
  const result = await sql<IndexedIdentifier>`
    select i.subject_id::text, i.scheme, i.value, s.grade, s.active_lists, s.indexed, s.related,
      s.next_change_at, s.policy_digest
    from subject_identifiers i left join subject_state s on s.subject_id = i.subject_id
    where i.subject_id = any(${subjectIds}::bigint[])
  `.execute(db);
  return result.rows;
}

/**
 * Identifiers and state of the subjects with ids in (after, through] that have a state: the subjects one page of a
 * policy activation rescored (see policy.service.ts), for the decision index.
 */
export async function getIdentifierStatesInRange(
  db: Executor,
  after: string,
  through: string,
): Promise<IndexedIdentifier[]> {
  const result = await sql<IndexedIdentifier>`
    select i.subject_id::text, i.scheme, i.value, s.grade, s.active_lists, s.indexed, s.related,
      s.next_change_at, s.policy_digest
    from subject_state s join subject_identifiers i on i.subject_id = s.subject_id
    where s.subject_id > ${after}::bigint and s.subject_id <= ${through}::bigint
  `.execute(db);
  return result.rows;
}

/**
 * Identifiers and state of the subjects with ids after `after` whose state is not indexed and was evaluated under
 * the policy `digest`: while an activation of it runs, the subjects beyond its cursor switched early to it
 * (early-switch.ts) and left in the base state, which the warm-up (indexed states only) does not read. One scan of
 * subject_state, made only by a warm-up during an activation.
 */
export async function getBaseStatesUnder(db: Executor, digest: string, after: string): Promise<IndexedIdentifier[]> {
  const result = await sql<IndexedIdentifier>`
    select i.subject_id::text, i.scheme, i.value, s.grade, s.active_lists, s.indexed, s.related,
      s.next_change_at, s.policy_digest
    from subject_state s join subject_identifiers i on i.subject_id = s.subject_id
    where not s.indexed and s.policy_digest = ${digest} and s.subject_id > ${after}::bigint
  `.execute(db);
  return result.rows;
}

/** The stored states of the subjects with ids in (after, through], as stored (dates in JSON as text). */
export async function getStatesInRange(db: Executor, after: string, through: string) {
  return db
    .selectFrom('subject_state')
    .select(['subject_id', 'score', 'grade', 'lists', 'active_lists', 'next_change_at', 'indexed', 'related'])
    .where('subject_id', '>', after)
    .where('subject_id', '<=', through)
    .execute();
}
