/**
 * Records end at their maximum duration (DESIGN: "no unbounded listings"; NDRC credit repair
 * measures: minor at most 3 months, general up to 1 year, serious up to 3 years). Evaluation
 * already stops counting a record after its window; this makes the end a state change the
 * subject is told about: status `expired`, a `record.expired` ledger event, the subject's
 * projections re-evaluated (ended list memberships are noticed), and a `record.expired` notice.
 * No amendment goes to relying services (FCRA § 611(d)): a record ending at its planned end makes nothing they were
 * told wrong; one ended early is repaired, revoked or corrected, and amended there (see amendments.service.ts).
 */

import type { Transaction } from 'kysely';
import { extensionYears, OPEN_STATUSES, recordWindow } from '../../domain/evaluate.ts';
import { recordExpiredNotice } from '../../domain/notice.ts';
import type { Policy } from '../../domain/policy.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { getDueSubjectIdsAfter, updateRecordStatuses } from '../../store/expiry.repository.ts';
import { lockLedgerHead, notifyLedger } from '../../store/ledger.repository.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { appendEvents } from '../ledger/ledger.service.ts';
import { recordNotices, reprojectSubjects } from '../ledger/projection.service.ts';

const PAGE = 5000;

interface Ended {
  readonly record: CreditRecord;
  readonly end: Date;
}

/** Open records (active, disputed or suspended) whose window has ended by `now`. */
export function endedRecords(policy: Policy, records: readonly CreditRecord[], now: Date): Ended[] {
  const ended: Ended[] = [];
  const extended = extensionYears(policy, records);
  for (const record of records) {
    if (!OPEN_STATUSES.includes(record.status)) continue;
    const type = policy.record_types.get(record.type);
    if (type === undefined) continue;
    const { end } = recordWindow(type, record, undefined, extended.get(record.id));
    if (end <= now) ended.push({ record, end });
  }
  return ended;
}

/**
 * Expires the ended records of one page of due subjects (those whose `next_change_at` has
 * come: a counted record's end is always among its subject's next changes). Returns the last
 * subject id looked at (null when no page was left) and how many records expired.
 */
async function expirePage(
  ctx: ServiceContext,
  now: Date,
  after: string,
): Promise<{ last: string | null; expired: number }> {
  const { policy } = ctx;
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx); // serialises with every other writer, so the records read stay current
    const subjectIds = await getDueSubjectIdsAfter(trx, now, after, PAGE);
    if (subjectIds.length === 0) return { last: null, expired: 0 };
    const ended = endedRecords(policy, await getRecordsOfSubjects(trx, subjectIds), now);
    await writeExpiries(trx, policy, ended, now);
    return { last: subjectIds.length < PAGE ? null : subjectIds[subjectIds.length - 1]!, expired: ended.length };
  });
}

async function writeExpiries(trx: Transaction<DB>, policy: Policy, ended: readonly Ended[], now: Date): Promise<void> {
  if (ended.length === 0) return;
  await updateRecordStatuses(
    trx,
    ended.map((e) => e.record.id),
    'expired',
  );
  await appendEvents(
    trx,
    now,
    ended.map(({ record, end }) => ({
      type: 'record.expired',
      subject_id: record.subject_id,
      payload: { record_id: record.id, previous_status: record.status, ended_at: end },
    })),
  );
  await reprojectSubjects(trx, policy, [...new Set(ended.map((e) => e.record.subject_id))], now, { notify: true });
  await recordNotices(
    trx,
    ended.map(({ record, end }) => recordExpiredNotice(policy, record, end)),
    now,
  );
  await notifyLedger(trx);
}

/** Expires every record whose window has ended by `ctx.clock()`; returns how many. Idempotent. */
export async function expireDueRecords(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock();
  let total = 0;
  let after: string | null = '0';
  while (after !== null) {
    const page: { last: string | null; expired: number } = await expirePage(ctx, now, after);
    total += page.expired;
    after = page.last;
  }
  return total;
}
