/**
 * SQL for public disclosure. Candidate subjects and list entries are pre-filtered with the
 * policy's public shapes (a superset of what is public, see src/domain/disclosure.ts); the
 * service applies the exact rule. Repositories hold no rules: the shapes arrive as data.
 */

import { sql, type RawBuilder } from 'kysely';
import type { PublicShape } from '../domain/disclosure.ts';
import type { CreditRecord, RecordStatus } from '../domain/record.ts';
import type { SubjectRow } from './subjects.repository.ts';

import type { Executor } from './executor.ts';

/**
 * True for a row `r` of records (of a subject whose kind is `kindColumn`) that fits one of the
 * shapes and is in force at `now`.
 */
function fitsAShape(shapes: readonly PublicShape[], kindColumn: string, now: Date): RawBuilder<boolean> {
  if (shapes.length === 0) return sql<boolean>`false`;
  const branches = shapes.map((s) => {
    const unless = s.unless.map((u) => sql` and not (r.attributes @> ${JSON.stringify(u)}::jsonb)`);
    return sql`(${sql.ref(kindColumn)} = ${s.kind} and r.type = ${s.type}
      and r.attributes @> ${JSON.stringify(s.when)}::jsonb${sql.join(unless, sql``)}
      and r.status = any(${s.statuses}::text[]) and r.decided_at > ${s.decided_after})`;
  });
  return sql<boolean>`(r.effective_at <= ${now} and (r.expires_at is null or r.expires_at > ${now})
    and (${sql.join(branches, sql` or `)}))`;
}

/**
 * False for a list entry `entry` none of whose records can fit a shape: by its subject's kind, its records' types
 * and the newest one's decision (migration 023), read from the index list_entries_grounds_keyset, before its
 * records are probed. A row written before those columns were (null) is probed.
 */
function groundsMayFit(shapes: readonly PublicShape[], entry: string): RawBuilder<boolean> {
  if (shapes.length === 0) return sql<boolean>`false`;
  // One branch per kind and type, with the earliest cutoff of its shapes.
  const cutoffs = new Map<string, { kind: string; type: string; after: Date }>();
  for (const s of shapes) {
    const key = `${s.kind}\t${s.type}`;
    const known = cutoffs.get(key);
    if (known === undefined || s.decided_after < known.after)
      cutoffs.set(key, { kind: s.kind, type: s.type, after: s.decided_after });
  }
  const column = (name: string) => sql.ref(`${entry}.${name}`);
  const branches = [...cutoffs.values()].map(
    (c) => sql`(${column('subject_kind')} = ${c.kind} and ${column('record_types')} @> array[${c.type}]::text[]
      and ${column('newest_decided_at')} > ${c.after})`,
  );
  return sql<boolean>`(${column('subject_kind')} is null or ${sql.join(branches, sql` or `)})`;
}

/** Escapes LIKE wildcards so a query matches literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Where a name search stopped: the kind of match (0 whole name, 1 prefix, 2 fragment), lower(name), subject id. */
export interface NameCursor {
  readonly rank: number;
  readonly name: string;
  readonly id: string;
}

export type NameMatch = SubjectRow & { readonly rank: number; readonly sort_name: string };

/**
 * Subjects by name that may have something public: a person only by the whole name, an organisation by any part
 * of it (case-insensitive). Whole-name matches rank first, then organisations whose name starts with the query,
 * then the rest; within a rank by lower(name) in byte order, then id: the keyset a search page resumes from,
 * forward (`after`) or backward (`before`, the reverse scan). One kind of match is read at a time, the next only
 * if the page is not full, so a common prefix never pays for the fragment match. Index subjects_lower_name_keyset
 * (migration 019) serves the whole-name and prefix matches in order; the character-bigram index (migration 004)
 * the fragment match, in any script, Chinese included.
 */
export async function searchSubjectsByName(
  db: Executor,
  query: {
    name: string;
    shapes: readonly PublicShape[];
    now: Date;
    from: NameCursor | null;
    toward: 'after' | 'before';
    limit: number;
  },
): Promise<NameMatch[]> {
  const { from } = query;
  const forward = query.toward === 'after';
  const direction = forward ? sql`` : sql` desc`;
  const start = from?.rank ?? (forward ? 0 : 2);
  const ranks = forward ? [0, 1, 2].filter((r) => r >= start) : [2, 1, 0].filter((r) => r <= start);
  const matches = nameMatches(query.name);
  const found: NameMatch[] = [];
  for (const rank of ranks) {
    const resume =
      from === null || rank !== from.rank
        ? sql``
        : sql`and (lower(s.name) collate "C", s.id) ${forward ? sql`>` : sql`<`}
            (${from.name}::text collate "C", ${from.id}::bigint)`;
    const result = await sql<NameMatch>`
      select s.id::text as id, s.kind, s.name, s.created_at, ${rank}::int as rank,
        lower(s.name) collate "C" as sort_name
      from subjects s
      where ${matches[rank]!} ${resume} and ${mayBePublic(query.shapes, query.now)}
      order by lower(s.name) collate "C"${direction}, s.id${direction} limit ${query.limit - found.length}
    `.execute(db);
    found.push(...result.rows);
    if (found.length >= query.limit) break;
  }
  return found;
}

/**
 * How many subjects a name search may find (searchSubjectsByName's pre-filter), counted up to `cap` + 1, one kind
 * of match at a time, so a common prefix costs a bounded scan and no fragment match.
 */
export async function countSubjectsByName(
  db: Executor,
  query: { name: string; shapes: readonly PublicShape[]; now: Date; cap: number },
): Promise<number> {
  let counted = 0;
  for (const match of nameMatches(query.name)) {
    const result = await sql<{ n: string }>`
      select count(*)::text as n from (select 1 from subjects s
        where ${match} and ${mayBePublic(query.shapes, query.now)} limit ${query.cap + 1 - counted}) m
    `.execute(db);
    counted += Number(result.rows[0]?.n ?? 0);
    if (counted > query.cap) break;
  }
  return counted;
}

/** The three kinds of name match, by rank (whole name, prefix, fragment), each excluding the ones before. */
function nameMatches(name: string): RawBuilder<unknown>[] {
  const literal = likeLiteral(name.toLowerCase());
  return [
    // Compared in byte order, as subjects_lower_name_keyset holds the name, so that index serves this match too.
    // The default collation is deterministic (equal means the same bytes): the same subjects as a plain =.
    sql`lower(s.name) collate "C" = lower(${name}) collate "C"`,
    sql`s.kind = 'organization' and lower(s.name) collate "C" like ${`${literal}%`}
      and lower(s.name) <> lower(${name})`,
    sql`s.kind = 'organization'
      and credence_name_bigrams(lower(s.name)) @> credence_name_bigrams(lower(${name}))
      and lower(s.name) like ${`%${literal}%`} and lower(s.name) not like ${`${literal}%`}`,
  ];
}

/** The subject `s` has a record that may be public now. */
function mayBePublic(shapes: readonly PublicShape[], now: Date): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from records r
    where r.subject_id = s.id and ${fitsAShape(shapes, 's.kind', now)})`;
}

export interface PublicEntryRow {
  readonly list_id: string;
  readonly subject_id: string;
  readonly kind: 'person' | 'organization';
  readonly name: string;
  readonly status: string;
  readonly since: Date;
  readonly effective_from: Date;
  readonly until: Date;
  readonly record_ids: string[];
}

/** The list entries of the given subjects, with the subject's kind and name. */
export async function getListEntriesOfSubjects(db: Executor, subjectIds: readonly string[]): Promise<PublicEntryRow[]> {
  if (subjectIds.length === 0) return [];
  const result = await sql<PublicEntryRow>`
    select e.list_id, e.subject_id::text as subject_id, s.kind, s.name, e.status, e.since, e.effective_from, e.until,
      e.record_ids::text[] as record_ids
    from list_entries e join subjects s on s.id = e.subject_id
    where e.subject_id = any(${subjectIds}::bigint[])
    order by e.subject_id, e.list_id
  `.execute(db);
  return result.rows;
}

/** Where a scan through a list stopped: entries are ordered by (since, subject_id). */
export interface ListCursor {
  readonly since: Date;
  readonly subject_id: string;
}

/**
 * A chunk of a list's active entries that rest on a record fitting a public shape, strictly past `after`: newest
 * first (`older`, the list's order) or oldest first (`newer`, the reverse scan a last or previous page reads).
 * The partial index list_entries_grounds_keyset (migration 023) serves both directions, and passes over the entries
 * whose records cannot fit (groundsMayFit) on the index alone: a list's old end, where they gather (a reward list's
 * commendations, never public, outlast its tax grades, public for a year), costs what its new end does.
 *
 * Returns the next `limit` entries the index passes, in order, each `grounded` where one of its records fits a shape:
 * the caller skips the others and reads on from the last entry returned. The limit inside the scan is what keeps the
 * plan on the index: a subquery is planned on its own, and without a limit of its own PostgreSQL chose it by its
 * total cost, which for a long list (25,606 entries of a 1M city's judgment debtors) is a sequential scan and a
 * sort of the whole list: 19 ms a page at 1M, 78 ms at 4M, against 1.3 ms on the index.
 */
export async function getListEntriesChunk(
  db: Executor,
  query: {
    list: string;
    shapes: readonly PublicShape[];
    now: Date;
    after: ListCursor | null;
    toward: 'older' | 'newer';
    limit: number;
  },
): Promise<(PublicEntryRow & { grounded: boolean })[]> {
  const { list, now, after } = query;
  const older = query.toward === 'older';
  const past = older ? sql`<` : sql`>`;
  const resume =
    after === null
      ? sql``
      : sql`and (c.since, c.subject_id) ${past} (${after.since}::timestamptz, ${after.subject_id}::bigint)`;
  const order = (t: string) =>
    older
      ? sql`${sql.ref(`${t}.since`)} desc, ${sql.ref(`${t}.subject_id`)} desc`
      : sql`${sql.ref(`${t}.since`)}, ${sql.ref(`${t}.subject_id`)}`;
  // The entries in order, passed over on the index alone where their records cannot fit (an index-only scan, its own
  // limit keeping it apart from the join); then each one's row, subject and a probe of its records.
  const result = await sql<PublicEntryRow & { grounded: boolean }>`
    select e.list_id, e.subject_id::text as subject_id, s.kind, s.name, e.status, e.since, e.effective_from, e.until,
      e.record_ids::text[] as record_ids, grounded.fits is not null as grounded
    from (select c.since, c.subject_id from list_entries c
        where c.list_id = ${list} and c.status = 'active' and c.effective_from <= ${now} and c.until > ${now}
          and ${groundsMayFit(query.shapes, 'c')} ${resume}
        order by ${order('c')} limit ${query.limit}) found
      join list_entries e on e.list_id = ${list} and e.subject_id = found.subject_id
      join subjects s on s.id = e.subject_id
      -- A lateral probe, not an exists: one record of the entry's, found by its key, where a selective shape would
      -- tempt the planner into hashing every record of the type.
      left join lateral (select 1 as fits from records r join subjects k on k.id = r.subject_id
        where r.subject_id = e.subject_id and r.id = any(e.record_ids) and ${fitsAShape(query.shapes, 'k.kind', now)}
        limit 1) grounded on true
    order by ${order('found')}
  `.execute(db);
  return result.rows;
}

/**
 * How many entries of a list have a record of a public shape now (getListEntriesChunk's filter), counted up to
 * `cap` + 1 so that a long list costs no more than its deepest page.
 */
export async function countListEntries(
  db: Executor,
  query: { list: string; shapes: readonly PublicShape[]; now: Date; cap: number },
): Promise<number> {
  const { list, now } = query;
  const result = await sql<{ n: string }>`
    select count(*)::text as n from (select 1 from list_entries e
    where e.list_id = ${list} and e.status = 'active' and e.effective_from <= ${now} and e.until > ${now}
      and ${groundsMayFit(query.shapes, 'e')}
      and exists (select 1 from records r join subjects k on k.id = r.subject_id
        where r.subject_id = e.subject_id and r.id = any(e.record_ids) and ${fitsAShape(query.shapes, 'k.kind', now)})
    limit ${query.cap + 1}) capped
  `.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Records by id, as evaluation sees them. */
export async function getRecordsByIds(db: Executor, ids: readonly string[]): Promise<CreditRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('records')
    .select([
      'id',
      'subject_id',
      'agency_id',
      'type',
      'source_ref',
      'decided_at',
      'effective_at',
      'expires_at',
      'filed_at',
      'legal_basis',
      'document_ref',
      'summary',
      'attributes',
      'status',
    ])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return rows.map((r) => ({ ...r, status: r.status as RecordStatus }));
}

/** Agency names by id: agencies are public bodies, named in every public record. */
export async function getAgencyNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
