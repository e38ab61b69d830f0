/**
 * The transparency report: what the registry did in a period, in aggregates only (no personal
 * data): records filed, list sizes, disputes and their outcomes, repairs, decisions. Records filed and decisions
 * come from the per-day rollups, list sizes from the maintained counts (migration 019); disputes and repairs,
 * a small fraction of the records, are counted through indexes on their dates.
 */

import { dateRangeFault } from '../../domain/date-range.ts';
import { addDays, addDuration } from '../../domain/duration.ts';
import { CredenceError, type ProblemDetail } from '../../errors.ts';
import {
  countEndedListEntries,
  sumDecisions,
  sumListEntriesByStatus,
  sumRecordsFiled,
} from '../../store/counts.repository.ts';
import { countDisputes, countRepairs, type Period } from '../../store/transparency.repository.ts';
import { getAgencyNames } from '../../store/public.repository.ts';
import type { ServiceContext } from '../context.ts';

export const DEFAULT_DAYS = 365;
export const MAX_RANGE = 'P5Y';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `GET /v1/public/transparency?from=&to=`: both dates inclusive, UTC; default the last 365 days. List names in
 * English, as the API answers (pages name lists in their own language).
 */
export async function getTransparencyReport(ctx: ServiceContext, query: { from?: string; to?: string }) {
  const now = ctx.clock();
  const { from, to, period } = resolvePeriod(query, now);
  const [records, lists, disputes, repairs, decisions] = await Promise.all([
    sumRecordsFiled(ctx.db, period),
    countRunningListEntries(ctx, now),
    countDisputes(ctx.db, period, now),
    countRepairs(ctx.db, period),
    sumDecisions(ctx.db, period),
  ]);
  const { upheld, corrected, revoked, median_days_to_resolve: median, ...dispute } = disputes;
  return {
    from,
    to,
    evaluated_at: now.toISOString(),
    policy_version: ctx.policy.version,
    records_filed: { total: sum(records), by_type_and_agency: records },
    lists: [...ctx.policy.lists.values()].map((list) => ({
      list: list.id,
      name: list.name.en,
      kind: list.kind,
      active: lists.get(`${list.id}/active`) ?? 0,
      pending: lists.get(`${list.id}/pending`) ?? 0,
    })),
    disputes: {
      ...dispute,
      overturned: corrected + revoked,
      outcomes: { upheld, corrected, revoked },
      median_days_to_resolve: median === null ? null : Math.round(median * 10) / 10,
    },
    repairs,
    decisions: { total: sum(decisions), by_action_and_outcome: decisions },
  };
}

/** The report and the names of the agencies it counts: what the public page and the operator console show. */
export async function getTransparencyReportWithAgencies(ctx: ServiceContext, query: { from?: string; to?: string }) {
  const report = await getTransparencyReport(ctx, query);
  const agencies = await getAgencyNames(
    ctx.db,
    report.records_filed.by_type_and_agency.map((r) => r.agency_id),
  );
  return { report, agencies };
}

/**
 * List entries still running at `now`, by list and status (`list/status`): the maintained counts, less the entries
 * whose term has ended but that the scheduler has not yet removed.
 */
async function countRunningListEntries(ctx: ServiceContext, now: Date): Promise<Map<string, number>> {
  const [counted, ended] = await Promise.all([sumListEntriesByStatus(ctx.db), countEndedListEntries(ctx.db, now)]);
  const running = new Map(counted.map((c) => [`${c.list_id}/${c.status}`, c.n]));
  for (const e of ended) {
    const key = `${e.list_id}/${e.status}`;
    running.set(key, (running.get(key) ?? 0) - e.count);
  }
  return running;
}

function sum(rows: readonly { count: number }[]): number {
  return rows.reduce((total, r) => total + r.count, 0);
}

/** The period as dates (echoed) and as the half-open instant range the queries use. */
function resolvePeriod(query: { from?: string; to?: string }, now: Date): { from: string; to: string; period: Period } {
  const problems: ProblemDetail[] = [];
  const toDate = query.to === undefined ? startOfDay(now) : parseDate(query.to, 'to', problems);
  const fromDate =
    query.from === undefined
      ? addDays(toDate ?? startOfDay(now), 1 - DEFAULT_DAYS)
      : parseDate(query.from, 'from', problems);
  if (problems.length > 0)
    throw new CredenceError('CRD_INVALID_DATE', problems.map((p) => p.message).join('; '), problems);
  const from = fromDate!;
  const end = addDays(toDate!, 1);
  if (end <= from) throw rangeError('to must not be before from');
  if (addDuration(from, MAX_RANGE) < end) throw rangeError('the period may be at most 5 years');
  return { from: isoDate(from), to: isoDate(toDate!), period: { from, to: end } };
}

function rangeError(message: string): CredenceError {
  return new CredenceError('CRD_VALIDATION', message, [{ code: 'CRD_VALIDATION', path: 'querystring.to', message }]);
}

function parseDate(text: string, name: string, problems: ProblemDetail[]): Date | undefined {
  const date = new Date(`${text}T00:00:00Z`);
  const valid = DATE.test(text) && !Number.isNaN(date.getTime()) && isoDate(date) === text;
  const fault = valid ? dateRangeFault(date) : null;
  if (valid && fault === null) return date;
  problems.push({
    code: 'CRD_INVALID_DATE',
    path: `querystring.${name}`,
    message: fault === null ? `${name} must be a date as YYYY-MM-DD, not "${text}"` : `${name} ${fault}, got ${text}`,
  });
  return undefined;
}

function startOfDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
