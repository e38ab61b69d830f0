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

/** Escapes LIKE wildcards so a query matches literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Subjects by name that may have something public: a person only by the whole name, an
 * organisation by any part of it (case-insensitive). Whole-name matches rank first, then
 * organisations whose name starts with the query, then the rest; each kind of match stops at
 * `limit`, so a common fragment costs a bounded scan. The character-bigram index (migration
 * 004) serves the fragment match in any script, Chinese included.
 */
export async function searchSubjectsByName(
  db: Executor,
  query: { name: string; shapes: readonly PublicShape[]; now: Date; limit: number },
): Promise<SubjectRow[]> {
  const { shapes, now, limit } = query;
  const literal = likeLiteral(query.name.toLowerCase());
  const mayBePublic = sql`exists (select 1 from records r
    where r.subject_id = s.id and ${fitsAShape(shapes, 's.kind', now)})`;
  const result = await sql<SubjectRow>`
    select id::text as id, kind, name, created_at from (
      (select s.*, 0 as rank from subjects s
        where lower(s.name) = lower(${query.name}) and ${mayBePublic} limit ${limit})
      union all
      (select s.*, 1 as rank from subjects s
        where s.kind = 'organization' and lower(s.name) like ${`${literal}%`} and lower(s.name) <> lower(${query.name})
          and ${mayBePublic} limit ${limit})
      union all
      (select s.*, 2 as rank from subjects s
        where s.kind = 'organization'
          and credence_name_bigrams(lower(s.name)) @> credence_name_bigrams(lower(${query.name}))
          and lower(s.name) like ${`%${literal}%`} and lower(s.name) not like ${`${literal}%`}
          and ${mayBePublic} limit ${limit})
    ) matches
    order by rank, name, id
    limit ${limit}
  `.execute(db);
  return result.rows;
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

/** Where a scan through a list stopped: newest first, by (since, subject_id) descending. */
export interface ListCursor {
  readonly since: Date;
  readonly subject_id: string;
}

/**
 * A chunk of a list's active entries that rest on a record fitting a public shape, newest
 * first, strictly after `after`.
 */
export async function getListEntriesChunk(
  db: Executor,
  query: { list: string; shapes: readonly PublicShape[]; now: Date; after: ListCursor | null; limit: number },
): Promise<PublicEntryRow[]> {
  const { list, now, after } = query;
  const resume =
    after === null
      ? sql``
      : sql`and (e.since, e.subject_id) < (${after.since}::timestamptz, ${after.subject_id}::bigint)`;
  const result = await sql<PublicEntryRow>`
    select e.list_id, e.subject_id::text as subject_id, s.kind, s.name, e.status, e.since, e.effective_from, e.until,
      e.record_ids::text[] as record_ids
    from list_entries e join subjects s on s.id = e.subject_id
    where e.list_id = ${list} and e.status = 'active' and e.effective_from <= ${now} and e.until > ${now} ${resume}
      and exists (select 1 from records r join subjects k on k.id = r.subject_id
        where r.subject_id = e.subject_id and r.id = any(e.record_ids) and ${fitsAShape(query.shapes, 'k.kind', now)})
    order by e.since desc, e.subject_id desc
    limit ${query.limit}
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
