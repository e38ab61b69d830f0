/**
 * Repair deadlines passing (Fa Shi [2017] 7 art. 10: a deletion within 3 working days; NDRC Order No. 36 (2025): a
 * decision within 10): the scheduled jobs mark each pending application found past its deadline once, as a
 * `repair.overdue` ledger event, and tell the subject, as an overdue dispute is marked and told. Unlike a dispute,
 * the record is unchanged: the law names no effect of the delay, only the duty to decide. The application stays
 * pending (the agency may still decide it), and a second run finds it marked and passes it over.
 */

import type { Transaction } from 'kysely';
import { addDays } from '../../domain/duration.ts';
import { repairOverdueNotice } from '../../domain/due-process-notices.ts';
import type { Policy } from '../../domain/policy.ts';
import { repairDueAt } from '../../domain/repair.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import { getRecordById } from '../../store/records.repository.ts';
import { getUnmarkedPendingRepairs, type UnmarkedRepair } from '../../store/repairs.repository.ts';
import type { DB } from '../../store/schema.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { commitChanges, type SubjectChange } from './events.service.ts';

const OVERDUE_PAGE = 1000;

type Cursor = { applied_at: Date; id: string } | null;

/**
 * The latest application time that can be overdue at `now`: a deadline of n working days is at least n calendar
 * days on, so nothing applied later need be read. Null where the policy sets no repair deadline.
 */
function appliedBy(policy: Policy, now: Date): Date | null {
  const days = [policy.repair.deletion?.working_days, policy.repair.decision?.working_days].flatMap((d) => d ?? []);
  return days.length === 0 ? null : addDays(now, -Math.min(...days));
}

/** Marks the pending repair applications past their deadline overdue, each once; returns how many. */
export async function markOverdueRepairs(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock();
  const latest = appliedBy(ctx.policy, now);
  if (latest === null) return 0;
  let total = 0;
  let cursor: Cursor = null;
  for (;;) {
    const page = await writeTransaction(ctx, (trx) => markOverduePage(trx, ctx.policy, now, latest, cursor));
    total += page.marked;
    if (page.last === null) return total;
    cursor = page.last;
  }
}

/**
 * Reads one page of unmarked pending applications and marks those past their deadline (the others are due later,
 * by a working-day calendar the index cannot read). Returns how many it marked, and where the next page starts
 * (null: this was the last).
 */
async function markOverduePage(
  trx: Transaction<DB>,
  policy: Policy,
  now: Date,
  latest: Date,
  cursor: Cursor,
): Promise<{ marked: number; last: Cursor }> {
  await lockLedgerHead(trx);
  const page = await getUnmarkedPendingRepairs(trx, latest, cursor, OVERDUE_PAGE);
  const changes: SubjectChange[] = [];
  for (const repair of page) {
    const due = repairDueAt(policy, repair.record_type, repair.applied_at);
    if (due !== null && due <= now) changes.push(await overdueChange(trx, policy, repair, due));
  }
  if (changes.length > 0) await commitChanges(trx, policy, now, changes);
  const last = page.length < OVERDUE_PAGE ? null : page[page.length - 1]!;
  return { marked: changes.length, last: last === null ? null : { applied_at: last.applied_at, id: last.id } };
}

async function overdueChange(
  trx: Transaction<DB>,
  policy: Policy,
  repair: UnmarkedRepair,
  due: Date,
): Promise<SubjectChange> {
  const record = (await getRecordById(trx, repair.record_id))!;
  return {
    subject_id: repair.subject_id,
    events: [
      {
        type: 'repair.overdue',
        payload: { repair_id: repair.id, record_id: repair.record_id, due_at: due.toISOString() },
      },
    ],
    notices: (evaluation) => [repairOverdueNotice(policy, record, evaluation, due)],
  };
}
