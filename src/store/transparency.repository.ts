/**
 * SQL for the transparency report: counts only, never a row about a subject. Periods are
 * half-open, [from, to).
 */

import { sql } from 'kysely';

import type { Executor } from './executor.ts';

export interface Period {
  readonly from: Date;
  readonly to: Date;
}

/** Records filed in the period, by record type and filing agency. */
export async function countRecordsFiled(
  db: Executor,
  period: Period,
): Promise<{ type: string; agency_id: string; count: number }[]> {
  const result = await sql<{ type: string; agency_id: string; count: number }>`
    select type, agency_id, count(*)::int as count from records
    where filed_at >= ${period.from} and filed_at < ${period.to}
    group by type, agency_id order by type, agency_id
  `.execute(db);
  return result.rows;
}

/** Current list entries still running at `now`, by list and status (pending or active). */
export async function countListEntries(
  db: Executor,
  now: Date,
): Promise<{ list_id: string; status: string; count: number }[]> {
  const result = await sql<{ list_id: string; status: string; count: number }>`
    select list_id, status, count(*)::int as count from list_entries where until > ${now}
    group by list_id, status
  `.execute(db);
  return result.rows;
}

export interface DisputeCounts {
  readonly opened: number;
  readonly resolved: number;
  readonly upheld: number;
  readonly corrected: number;
  readonly revoked: number;
  readonly median_days_to_resolve: number | null;
  /** Disputes whose deadline fell in the period (and has passed) without a resolution by then. */
  readonly overdue: number;
  /** Disputes unresolved past their deadline at `now`. */
  readonly overdue_open_now: number;
}

/** Disputes opened, resolved (by outcome, with the median time taken) and overdue. */
export async function countDisputes(db: Executor, period: Period, now: Date): Promise<DisputeCounts> {
  const { from, to } = period;
  const result = await sql<DisputeCounts>`
    select
      count(*) filter (where opened_at >= ${from} and opened_at < ${to})::int as opened,
      count(*) filter (where resolved_at >= ${from} and resolved_at < ${to})::int as resolved,
      count(*) filter (where resolved_at >= ${from} and resolved_at < ${to} and outcome = 'upheld')::int as upheld,
      count(*) filter (where resolved_at >= ${from} and resolved_at < ${to} and outcome = 'corrected')::int
        as corrected,
      count(*) filter (where resolved_at >= ${from} and resolved_at < ${to} and outcome = 'revoked')::int as revoked,
      (percentile_cont(0.5) within group (order by extract(epoch from resolved_at - opened_at) / 86400)
        filter (where resolved_at >= ${from} and resolved_at < ${to}))::float8 as median_days_to_resolve,
      count(*) filter (where due_at >= ${from} and due_at < ${to} and due_at <= ${now}
        and (resolved_at is null or resolved_at > due_at))::int as overdue,
      count(*) filter (where status <> 'resolved' and due_at <= ${now})::int as overdue_open_now
    from disputes
  `.execute(db);
  return result.rows[0]!;
}

/** Repair applications decided in the period, by decision. */
export async function countRepairs(db: Executor, period: Period): Promise<{ approved: number; refused: number }> {
  const result = await sql<{ approved: number; refused: number }>`
    select count(*) filter (where status = 'approved')::int as approved,
      count(*) filter (where status = 'refused')::int as refused
    from repairs where decided_at >= ${period.from} and decided_at < ${period.to}
  `.execute(db);
  return result.rows[0]!;
}

/**
 * Decisions Credence gave in the period, by action and outcome (from the inquiry log). A
 * relying service's human decision after a review is its own, not Credence's: excluded.
 */
export async function countDecisions(
  db: Executor,
  period: Period,
): Promise<{ action: string; outcome: string; count: number }[]> {
  const result = await sql<{ action: string; outcome: string; count: number }>`
    select action, outcome, count(*)::int as count from inquiries
    where kind = 'decision' and review_id is null and at >= ${period.from} and at < ${period.to}
    group by action, outcome order by action, outcome
  `.execute(db);
  return result.rows;
}
