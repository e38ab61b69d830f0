/**
 * Delivers amendments (FCRA § 611(d)) to each relying principal's own webhook, from the amendments table as outbox,
 * with the notice webhook's machinery: the body signed with the principal's secret (`X-Credence-Signature`), the
 * amendment id as Idempotency-Key, the same backoff and the same `failed` after the last attempt. A principal whose
 * webhook was removed or whose key was revoked gets nothing more: its due amendments fail at once, without a request.
 */

import type { AttemptOutcome } from '../../store/deliveries.repository.ts';
import {
  claimDueAmendments,
  type DueAmendment,
  updateAmendmentAttempts,
} from '../../store/amendment-deliveries.repository.ts';
import type { ServiceContext } from '../context.ts';
import { amendmentView } from './amendments.service.ts';
import { attemptOutcome, type DeliveryCounts, postSigned, type Webhook } from './notice-delivery.service.ts';

const BATCH_SIZE = 25;
const MAX_BATCHES = 40;

/** Delivery settings shared by every principal's webhook (tests shorten them). */
export type AmendmentDeliveryOptions = Pick<Webhook, 'timeoutMs' | 'maxAttempts' | 'backoff'>;

async function attempt(
  ctx: ServiceContext,
  options: AmendmentDeliveryOptions,
  amendment: DueAmendment,
  now: Date,
): Promise<AttemptOutcome> {
  if (amendment.revoked_at !== null || amendment.webhook_url === null || amendment.webhook_secret === null) {
    const why = amendment.revoked_at !== null ? 'the key is revoked' : 'the principal has no webhook';
    return {
      id: amendment.id,
      delivery_status: 'failed',
      attempts: amendment.attempts,
      next_attempt_at: now,
      last_error: why,
    };
  }
  const webhook = { ...options, url: amendment.webhook_url, secret: amendment.webhook_secret };
  // The same JSON as one item of GET /v1/decisions/amendments.
  const body = JSON.stringify(amendmentView(ctx.policy, amendment));
  return attemptOutcome(webhook, amendment, await postSigned(webhook, `amendment-${amendment.id}`, body, now), now);
}

/**
 * One delivery pass as of `ctx.clock()`: batches of due amendments, each sent concurrently and locked until its
 * outcome is written, until none is due or MAX_BATCHES. Unlike notices, one receiver failing does not hold the others
 * back: every principal has its own.
 */
export async function deliverDueAmendments(
  ctx: ServiceContext,
  options: AmendmentDeliveryOptions = {},
): Promise<DeliveryCounts> {
  const now = ctx.clock();
  const counts = { delivered: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const outcomes = await ctx.db.transaction().execute(async (trx) => {
      const due = await claimDueAmendments(trx, now, BATCH_SIZE);
      const done = await Promise.all(due.map((amendment) => attempt(ctx, options, amendment, now)));
      await updateAmendmentAttempts(trx, done, now);
      return done;
    });
    for (const o of outcomes) {
      if (o.delivery_status === 'delivered') counts.delivered += 1;
      else if (o.delivery_status === 'failed') counts.failed += 1;
      else counts.retrying += 1;
    }
    if (outcomes.length < BATCH_SIZE) break;
  }
  return counts;
}
