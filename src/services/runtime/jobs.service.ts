/**
 * Scheduled work: what changes with time alone. Records reach their end, notice periods and
 * listings run out, dispute deadlines pass, and notices wait in the outbox. `runJobs` does it
 * all as of an instant `now` (an input: the server passes its clock, `credence jobs run --now`
 * any instant, tests move it). Each job is idempotent, so running twice at the same `now`
 * changes nothing the second time, and a server that was down catches up on its first run.
 */

import type { Config } from '../../config.ts';
import { getEarliestNextChange } from '../../store/state.repository.ts';
import type { ServiceContext } from '../context.ts';
import { markOverdueDisputes } from '../due-process/disputes.service.ts';
import { expireDueRecords } from '../due-process/expiry.service.ts';
import { markOverdueRepairs } from '../due-process/repair-deadlines.service.ts';
import { deliverDueAmendments } from '../due-process/amendment-delivery.service.ts';
import { purgeSettledAmendments } from '../due-process/amendment-retention.service.ts';
import { deliverDueNotices, webhookFromConfig, type Webhook } from '../due-process/notice-delivery.service.ts';
import { reevaluateAllDue } from '../ledger/reevaluation.service.ts';
import { failStalledImports } from '../records/agency-imports.service.ts';
import { maintainInquiryPartitions } from './inquiry-partitions.service.ts';
import { purgeStaleStaffSignIns } from '../accounts/staff-housekeeping.service.ts';

/** A job run as of `ctx.clock()` (the run's instant); resolves to how many things it changed. */
export type ScheduledJob = (ctx: ServiceContext) => Promise<number>;

export interface JobsDeps {
  readonly ctx: ServiceContext;
  /** Where notices go; null leaves them pending (and visible) in the outbox. */
  readonly webhook: Webhook | null;
  /**
   * Further jobs, by the name their count is reported under, run after the built-in ones and
   * before delivery (so the notices they write go out in the same run).
   */
  readonly extraJobs?: Readonly<Record<string, ScheduledJob>>;
}

/**
 * How many things each job changed, in the order they ran: `expired`, `reevaluated`,
 * `overdue_disputes`, `overdue_repairs`, `purged_staff_sessions`, `purged_sign_in_throttles`,
 * `purged_subject_sessions`, `purged_oidc_sign_ins`, `stalled_imports`, `purged_amendments`, one entry per extra job,
 * then (with a webhook) `delivered`, `delivery_retrying`, `delivery_failed`, then (when any amendment was due for a
 * relying principal's webhook) `amendments_delivered`, `amendments_retrying`, `amendments_failed`.
 */
export type JobCounts = Record<string, number>;

/** The jobs a registry runs, as configured: the server's scheduler and `credence jobs run` both use this. */
export function registryJobs(
  ctx: ServiceContext,
  config: Pick<Config, 'noticeWebhook' | 'noticeWebhookSecret' | 'timeZone'>,
): JobsDeps {
  // The inquiry log's months: made ahead, dropped after the policy's retention (inquiry-partitions.service.ts).
  return { ctx, webhook: webhookFromConfig(config), extraJobs: { inquiry_partitions: maintainInquiryPartitions } };
}

/** The context with its clock stopped at `now`, so every job in a run works as of the same instant. */
function atInstant(ctx: ServiceContext, now: Date): ServiceContext {
  return {
    db: ctx.db,
    policy: ctx.policy,
    clock: () => now,
    newId: ctx.newId,
    log: ctx.log,
    indexed: () => ctx.indexed(),
  };
}

/** The earliest moment a subject's evaluation is known to change (a listing's end, a notice period), or null. */
export function getNextDueChange(ctx: ServiceContext): Promise<Date | null> {
  return getEarliestNextChange(ctx.db);
}

/**
 * Runs every job once, in order, as of `now`, and returns once this process's decision index
 * reflects what they changed (a listing that started or ended decides differently at once).
 */
export async function runJobs(deps: JobsDeps, now: Date): Promise<JobCounts> {
  const ctx = atInstant(deps.ctx, now);
  const counts: JobCounts = {};
  // Expiry first: it re-evaluates the subjects it touches, so re-evaluation does not repeat them.
  counts.expired = await expireDueRecords(ctx);
  counts.reevaluated = await reevaluateAllDue(ctx);
  // FCRA § 611: a dispute past its deadline suspends its record until the agency answers.
  counts.overdue_disputes = await markOverdueDisputes(ctx);
  // Fa Shi [2017] 7 art. 10, NDRC Order No. 36 (2025): a repair undecided past its deadline is marked and told.
  counts.overdue_repairs = await markOverdueRepairs(ctx);
  const purged = await purgeStaleStaffSignIns(ctx);
  counts.purged_staff_sessions = purged.sessions;
  counts.purged_sign_in_throttles = purged.throttles;
  counts.purged_subject_sessions = purged.subjectSessions;
  counts.purged_oidc_sign_ins = purged.oidcSignIns;
  counts.stalled_imports = await failStalledImports(ctx);
  // PIPL art. 19: amendments delivered (or given up) are kept for the policy's `amendments.retention`, no longer.
  counts.purged_amendments = await purgeSettledAmendments(ctx);
  for (const [name, job] of Object.entries(deps.extraJobs ?? {})) counts[name] = await job(ctx);
  if (deps.webhook !== null) {
    const delivery = await deliverDueNotices(ctx, deps.webhook);
    counts.delivered = delivery.delivered;
    counts.delivery_retrying = delivery.retrying;
    counts.delivery_failed = delivery.failed;
  }
  // FCRA § 611(d): amendments go to each relying principal's own webhook; counted only when any was due.
  const amendments = await deliverDueAmendments(ctx);
  if (amendments.delivered + amendments.retrying + amendments.failed > 0) {
    counts.amendments_delivered = amendments.delivered;
    counts.amendments_retrying = amendments.retrying;
    counts.amendments_failed = amendments.failed;
  }
  await ctx.indexed();
  return counts;
}

export interface SchedulerOptions {
  readonly intervalMs: number;
  readonly clock: () => Date;
  /** The jobs' dependencies at each run (the policy may have changed since the last). */
  readonly deps: () => JobsDeps;
  /** After each successful run, e.g. logging what changed. */
  readonly afterRun?: (counts: JobCounts, now: Date) => Promise<void> | void;
  /** A failed run is reported here and retried at the next tick. */
  readonly onError: (error: unknown) => void;
  /** Whether the timer alone keeps the process alive (a CLI loop); default false (the server). */
  readonly keepAlive?: boolean;
  /**
   * The earliest moment something is known to fall due (a listing's end, a notice period), so
   * the next run comes then rather than up to a whole interval late.
   */
  readonly nextDue?: () => Promise<Date | null>;
}

export interface Scheduler {
  /** Resolves when the first run (started at once) has finished. */
  readonly firstRun: Promise<void>;
  /**
   * True until a run has succeeded: the first run catches up on what fell due while no scheduler ran (a server
   * that was down); meanwhile decisions read the subjects it has not reached afresh (stale-states.service.ts).
   */
  readonly catchingUp: boolean;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the jobs at once, then `intervalMs` after each run ends (runs never overlap within a
 * process; across processes every job is safe to run concurrently).
 */
export function scheduleJobs(options: SchedulerOptions): Scheduler {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  let caughtUp = false;
  const tick = async (): Promise<void> => {
    let delay = options.intervalMs;
    try {
      const now = options.clock();
      const counts = await runJobs(options.deps(), now);
      caughtUp = true;
      await options.afterRun?.(counts, now);
      const due = await options.nextDue?.();
      if (due != null) delay = Math.min(delay, Math.max(0, due.getTime() - options.clock().getTime()) + 50);
    } catch (error) {
      options.onError(error);
    }
    if (!stopped) {
      timer = setTimeout(() => {
        current = tick();
      }, delay);
      if (options.keepAlive !== true) timer.unref();
    }
  };
  current = tick();
  return {
    firstRun: current,
    get catchingUp() {
      return !caughtUp;
    },
    stop: async () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await current;
    },
  };
}
