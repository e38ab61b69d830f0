/**
 * SQL for the counts the triggers of migration 019 keep (schema `read_counts`): a counter's keys summed over
 * their shards, the per-day rollups over a period, and a rebuild from the base tables.
 */

import { sql } from 'kysely';

import type { Executor } from './executor.ts';

/** Every key of the counter `name` with its count (summed over shards); keys counted to zero are left out. */
export async function getCounter(db: Executor, name: string): Promise<Map<string, number>> {
  const result = await sql<{ key: string; n: string }>`
    select key, sum(n)::text as n from read_counts.counters where name = ${name} group by key having sum(n) <> 0
  `.execute(db);
  return new Map(result.rows.map((r) => [r.key, Number(r.n)]));
}

/** A list's active entries of one subject kind, by the record types they rest on and their newest one's day. */
export async function getActiveListEntryCounts(
  db: Executor,
  query: { list: string; kind: string },
): Promise<{ types: string; day: string; n: number }[]> {
  const result = await sql<{ types: string; day: string; n: number }>`
    select types, to_char(day, 'YYYY-MM-DD') as day, sum(n)::int as n from read_counts.list_entries_daily
    where list_id = ${query.list} and status = 'active' and kind = ${query.kind}
    group by types, day having sum(n) <> 0
  `.execute(db);
  return result.rows;
}

/** List entries by list and status, whatever their grounds' days. */
export async function sumListEntriesByStatus(db: Executor): Promise<{ list_id: string; status: string; n: number }[]> {
  const result = await sql<{ list_id: string; status: string; n: number }>`
    select list_id, status, sum(n)::int as n from read_counts.list_entries_daily
    group by list_id, status having sum(n) <> 0
  `.execute(db);
  return result.rows;
}

/**
 * List entries whose term has run out (`until` at or before `now`) but that the scheduler has not yet ended: what
 * the maintained counts still hold and the lists no longer show. Few in steady state (index list_entries_until).
 * `types` and `day` as list_entries_daily keys them.
 */
export async function countEndedListEntries(
  db: Executor,
  now: Date,
): Promise<{ list_id: string; status: string; kind: string; types: string; day: string; count: number }[]> {
  const result = await sql<{
    list_id: string;
    status: string;
    kind: string;
    types: string;
    day: string;
    count: number;
  }>`
    select e.list_id, e.status, s.kind, g.types, to_char(g.day, 'YYYY-MM-DD') as day, count(*)::int as count
    from list_entries e join subjects s on s.id = e.subject_id
    cross join lateral (select coalesce(string_agg(distinct r.type, ',' order by r.type), '') as types,
        coalesce((max(r.decided_at) at time zone 'UTC')::date, date '1970-01-01') as day
      from records r where r.id = any(e.record_ids)) g
    where e.until <= ${now} group by 1, 2, 3, 4, 5
  `.execute(db);
  return result.rows;
}

/** Records filed from UTC day `from` up to (not including) `to`, by type and agency. */
export async function sumRecordsFiled(
  db: Executor,
  period: { from: Date; to: Date },
): Promise<{ type: string; agency_id: string; count: number }[]> {
  const result = await sql<{ type: string; agency_id: string; count: number }>`
    select type, agency_id, sum(n)::int as count from read_counts.records_filed_daily
    where day >= ${utcDay(period.from)}::date and day < ${utcDay(period.to)}::date
    group by type, agency_id having sum(n) <> 0 order by type, agency_id
  `.execute(db);
  return result.rows;
}

/** Decisions from UTC day `from` up to (not including) `to`, by action and outcome. */
export async function sumDecisions(
  db: Executor,
  period: { from: Date; to: Date },
): Promise<{ action: string; outcome: string; count: number }[]> {
  const result = await sql<{ action: string; outcome: string; count: number }>`
    select action, outcome, sum(n)::int as count from read_counts.decisions_daily
    where day >= ${utcDay(period.from)}::date and day < ${utcDay(period.to)}::date
    group by action, outcome having sum(n) <> 0 order by action, outcome
  `.execute(db);
  return result.rows;
}

/**
 * Recomputes every count from the base tables (after a restore, whose COPY loads tables in an order the triggers
 * cannot rely on; after a repair by hand; or to check the triggers). Nothing to do on a schema older than
 * migration 019.
 */
export async function rebuildCounts(db: Executor): Promise<void> {
  await sql`do $$ begin
    if to_regproc('read_counts.rebuild') is not null then perform read_counts.rebuild(); end if;
  end $$`.execute(db);
}

function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
