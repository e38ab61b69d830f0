/**
 * Amendments are not kept forever (PIPL art. 19: personal information only as long as its purpose needs). Once
 * nothing is left to deliver (delivered to the principal's webhook, given up after the last attempt, or written for
 * a principal without one, which reads it from the API), an amendment older than the policy's
 * `amendments.retention` is deleted by the scheduled jobs. One still pending delivery is kept however old.
 */

import { subtractDuration } from '../../domain/duration.ts';
import { deleteSettledAmendmentsBefore } from '../../store/amendment-deliveries.repository.ts';
import type { ServiceContext } from '../context.ts';

const PURGE_PAGE = 5000;

/** Deletes the settled amendments written more than the retention period before `ctx.clock()`; returns how many. */
export async function purgeSettledAmendments(ctx: ServiceContext): Promise<number> {
  const { retention } = ctx.policy.amendments;
  // Written before `before` means older than the period: `at` plus the period has passed.
  const before = subtractDuration(ctx.clock(), retention);
  let total = 0;
  for (;;) {
    const deleted = await deleteSettledAmendmentsBefore(ctx.db, before, PURGE_PAGE);
    total += deleted;
    if (deleted < PURGE_PAGE) return total;
  }
}
