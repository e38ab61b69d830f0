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
