/**
 * Keeping the inquiry log's months (a scheduled job): the partitions of this month and the next ones are made
 * ahead of the inquiries that need them, inquiries that landed in the DEFAULT partition get their month, and the
 * months past the policy's retention (`inquiries.retention`) are dropped whole.
 */

import { addDuration, addMonths } from '../../domain/duration.ts';
import {
  addInquiryMonth,
  deleteDefaultInquiries,
  dropInquiryMonth,
  getDefaultInquiryMonths,
  getInquiryMonths,
} from '../../store/inquiry-partitions.repository.ts';
import type { ServiceContext } from '../context.ts';

/** Months made ahead of the current one: the jobs may not run for a while (a server down over a month's end). */
const MONTHS_AHEAD = 2;

/** The first instant (UTC) of the month that holds `at`. */
function monthOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * Makes the months ahead and those DEFAULT holds inquiries of, drops the months whose inquiries are all older than
 * the retention period as of `ctx.clock()`, and deletes such inquiries from DEFAULT. Returns how many months it made
 * or dropped. Idempotent: a second run at the same instant changes nothing.
 */
export async function maintainInquiryPartitions(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock();
  const { retention } = ctx.policy.inquiries;
  // A month is past retention once its last inquiry is: when its end plus the retention period has passed.
  const expired = (month: Date) => addDuration(addMonths(month, 1), retention) <= now;
  const current = monthOf(now);
  const ahead = Array.from({ length: MONTHS_AHEAD + 1 }, (_, n) => addMonths(current, n));
  let changed = 0;
  for (const month of [...(await getDefaultInquiryMonths(ctx.db)), ...ahead]) {
    if (expired(month)) await deleteDefaultInquiries(ctx.db, month, addMonths(month, 1));
    else if (await addInquiryMonth(ctx.db, month)) changed += 1;
  }
  for (const { name, month } of await getInquiryMonths(ctx.db)) {
    if (!expired(month)) continue;
    await dropInquiryMonth(ctx.db, name);
    changed += 1;
  }
  return changed;
}
