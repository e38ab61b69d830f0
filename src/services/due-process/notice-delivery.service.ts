/**
 * Delivers notices to the deployment's webhook from the transactional outbox (the notices
 * table, written in the same transaction as the change each notice reports). A notice is
 * never lost: it stays `pending` until a 2xx answer, retried with exponential backoff, and
 * after `maxAttempts` it is `failed`, still stored and retryable by an operator. It is never
 * delivered as two different notices: every attempt carries the notice id as Idempotency-Key.
 */

import { createHmac } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Language } from '../../domain/local-text.ts';
import { CredenceError } from '../../errors.ts';
import {
  claimDueNotices,
  DELIVERY_STATUSES,
  deliveryKey,
  getDeliveries,
  getOldestPending,
  requeueNotice,
  updateAttempts,
  type AttemptOutcome,
  type DeliveryRow,
  type DeliveryStatus,
  type OutboxNotice,
} from '../../store/deliveries.repository.ts';
import { getIdentifiersOfSubjects } from '../../store/subjects.repository.ts';
import { getCounter } from '../../store/counts.repository.ts';
import type { ServiceContext } from '../context.ts';
import { readKeysetPage } from '../keyset-page.ts';
import { noticeAgencies, type NoticeText, noticeTexts } from './notice-text.ts';
import { renderStoredNotices, type RenderedNotice } from './stored-notices.ts';

/** The delivery states and a notice's delivery row, as operators see them. */
export { DELIVERY_STATUSES, type DeliveryRow, type DeliveryStatus } from '../../store/deliveries.repository.ts';

export interface Webhook {
  readonly url: string;
  /** HMAC-SHA256 key: the receiver checks `X-Credence-Signature` with it. */
  readonly secret: string;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Notices claimed, and sent concurrently, per batch. */
  readonly batchSize?: number;
  /** A pass stops after this many batches; the next pass goes on. */
  readonly maxBatches?: number;
  /** Delay before the next attempt after `attempts` failures (injectable for tests). */
  readonly backoff?: (attempts: number) => number;
  /** The time zone the notices' dates are written in (CREDENCE_TIME_ZONE; default Asia/Shanghai). */
  readonly timeZone?: string;
}

export interface DeliveryCounts {
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
}

/** A notice id: a UUID (stored as `uuid` since migration 021, so anything else names no notice). */
const NOTICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DEFAULTS = { timeoutMs: 5_000, maxAttempts: 20, batchSize: 25, maxBatches: 40 };
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 3_600_000;

/** The webhook the configuration names, or null when delivery is off. */
export function webhookFromConfig(
  config: Pick<Config, 'noticeWebhook' | 'noticeWebhookSecret' | 'timeZone'>,
): Webhook | null {
  if (config.noticeWebhook === null || config.noticeWebhookSecret === null) return null;
  return { url: config.noticeWebhook, secret: config.noticeWebhookSecret, timeZone: config.timeZone };
}

/**
 * 30 s × 2^(attempts − 1), capped at 1 hour, with "equal jitter" (half fixed, half random) so
 * that notices failing together do not all come back together.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay / 2 + random() * (delay / 2));
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the webhook secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The JSON the receiver gets: the notice with the subject's identifiers (no internal ids), its kind and
 * parameters, and its words in every language (`texts.en`, `texts.zh`; `what` and `how_to_dispute` stay, in
 * English, for receivers written before). A notice stored before migration 013 has its English text in both.
 */
export function noticeBody(
  notice: RenderedNotice<OutboxNotice>,
  identifiers: readonly { scheme: string; value: string }[],
  texts: Readonly<Record<Language, NoticeText>>,
): string {
  return JSON.stringify({
    id: notice.id,
    kind: notice.kind,
    subject: { identifiers },
    at: notice.at,
    what: texts.en.what,
    params: notice.params,
    texts,
    agency_id: notice.agency_id,
    record_id: notice.record_id,
    list_id: notice.list_id,
    legal_basis: notice.legal_basis,
    consequences: notice.consequences,
    how_to_dispute: texts.en.how_to_dispute,
    dispute_by: notice.dispute_by,
  });
}

/**
 * POSTs one signed body (a notice, or a relying principal's amendment) with its Idempotency-Key; resolves to null on
 * a 2xx answer, else to what went wrong.
 */
export async function postSigned(
  webhook: Pick<Webhook, 'url' | 'secret' | 'timeoutMs'>,
  idempotencyKey: string,
  body: string,
  now: Date,
): Promise<string | null> {
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': idempotencyKey,
        'X-Credence-Signature': signBody(webhook.secret, body),
        'X-Credence-Timestamp': now.toISOString(),
      },
      body,
      // A redirect could carry a signed notice to a host nobody configured: it counts as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(webhook.timeoutMs ?? DEFAULTS.timeoutMs),
    });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}`;
  } catch (error) {
    return describeFailure(error);
  }
}

function describeFailure(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.message ?? String(error)}${cause === undefined ? '' : ` (${cause})`}`.slice(0, 500);
}

/** What an attempt at `now` makes of an outbox item (a notice or an amendment): delivered, retried later, or failed. */
export function attemptOutcome(
  webhook: Pick<Webhook, 'maxAttempts' | 'backoff'>,
  notice: { readonly id: string; readonly attempts: number },
  error: string | null,
  now: Date,
): AttemptOutcome {
  const attempts = notice.attempts + 1;
  if (error === null)
    return { id: notice.id, delivery_status: 'delivered', attempts, next_attempt_at: now, last_error: null };
  const failed = attempts >= (webhook.maxAttempts ?? DEFAULTS.maxAttempts);
  const delay = (webhook.backoff ?? retryDelayMs)(attempts);
  return {
    id: notice.id,
    delivery_status: failed ? 'failed' : 'pending',
    attempts,
    next_attempt_at: failed ? now : new Date(now.getTime() + delay),
    last_error: error,
  };
}

/**
 * Sends one batch of due notices. The rows stay locked (`for update skip locked`) until their
 * outcomes are written, so a second process skips them. If this transaction fails after a
 * send, the notice is sent again later with the same Idempotency-Key, which the receiver dedupes.
 */
async function deliverBatch(
  ctx: ServiceContext,
  webhook: Webhook,
  now: Date,
): Promise<{ claimed: number; outcomes: AttemptOutcome[] }> {
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await claimDueNotices(trx, now, webhook.batchSize ?? DEFAULTS.batchSize);
    if (claimed.length === 0) return { claimed: 0, outcomes: [] };
    const due = await renderStoredNotices(trx, ctx.policy, claimed);
    const identifiers = new Map<string, { scheme: string; value: string }[]>();
    for (const row of await getIdentifiersOfSubjects(trx, [...new Set(due.map((n) => n.subject_id))])) {
      const list = identifiers.get(row.subject_id) ?? [];
      list.push({ scheme: row.scheme, value: row.value });
      identifiers.set(row.subject_id, list);
    }
    const agencies = await noticeAgencies(trx, due);
    const reader = {
      timeZone: webhook.timeZone ?? 'Asia/Shanghai',
      policy: ctx.policy,
      agency: (id: string) => agencies.get(id) ?? id,
    };
    const outcomes = await Promise.all(
      due.map(async (notice) => {
        const ids = (identifiers.get(notice.subject_id) ?? []).sort(
          (a, b) => a.scheme.localeCompare(b.scheme) || a.value.localeCompare(b.value),
        );
        const body = noticeBody(notice, ids, noticeTexts(notice, reader));
        return attemptOutcome(webhook, notice, await postSigned(webhook, notice.id, body, now), now);
      }),
    );
    await updateAttempts(trx, outcomes, now);
    return { claimed: due.length, outcomes };
  });
}

/**
 * One delivery pass as of `ctx.clock()`: batches of due notices until none is left, a batch
 * meets a failure (the receiver is struggling: back off rather than hammer it), or `maxBatches`.
 */
export async function deliverDueNotices(ctx: ServiceContext, webhook: Webhook): Promise<DeliveryCounts> {
  const now = ctx.clock();
  const counts = { delivered: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < (webhook.maxBatches ?? DEFAULTS.maxBatches); batch += 1) {
    const { claimed, outcomes } = await deliverBatch(ctx, webhook, now);
    for (const o of outcomes) {
      if (o.delivery_status === 'delivered') counts.delivered += 1;
      else if (o.delivery_status === 'failed') counts.failed += 1;
      else counts.retrying += 1;
    }
    if (claimed < (webhook.batchSize ?? DEFAULTS.batchSize) || outcomes.some((o) => o.delivery_status !== 'delivered'))
      break;
  }
  return counts;
}

export interface DeliveryOverview {
  readonly counts: Record<DeliveryStatus, number>;
  readonly oldest_pending: DeliveryRow | null;
  readonly status: DeliveryStatus;
  readonly page: number;
  readonly pages: number;
  readonly page_size: number;
  readonly notices: DeliveryRow[];
  /** Cursors for `after`: the next page, the previous one, the last one (null where there is none). */
  readonly next: string | null;
  readonly previous: string | null;
  readonly last: string | null;
}

export const DELIVERIES_PAGE_SIZE = 50;

/**
 * What operators and auditors see of delivery: counts by status (maintained, migration 019: never a scan of the
 * notices), the oldest pending, and a page of one status from the cursor `after` (keyset: the last page is as
 * fast as the first).
 */
export async function getDeliveryOverview(
  ctx: ServiceContext,
  status: DeliveryStatus,
  after?: string,
): Promise<DeliveryOverview> {
  const [counted, oldest] = await Promise.all([
    getCounter(ctx.db, 'notices.delivery_status'),
    getOldestPending(ctx.db),
  ]);
  const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const s of DELIVERY_STATUSES) counts[s] = counted.get(s) ?? 0;
  const pending = status === 'pending';
  const page = await readKeysetPage<DeliveryRow, string[]>({
    after,
    size: DELIVERIES_PAGE_SIZE,
    total: counts[status],
    keyLength: pending ? 3 : 2,
    keyOf: deliveryKey,
    parseKey: (key) => {
      const instants = key.slice(0, -1);
      const valid =
        instants.every((k) => !Number.isNaN(Date.parse(k)) && /^\d{4}-/.test(k)) && NOTICE_ID.test(key.at(-1)!);
      return valid ? [...key] : undefined;
    },
    read: (from, toward, limit) => getDeliveries(ctx.db, { status, from, toward, limit }),
  });
  return {
    counts,
    oldest_pending: oldest ?? null,
    status,
    page: page.page,
    pages: page.pages ?? 1,
    page_size: DELIVERIES_PAGE_SIZE,
    notices: page.rows,
    next: page.next,
    previous: page.previous,
    last: page.last,
  };
}

/**
 * An operator asks for a notice to be sent again (after it failed, or to resend one the
 * receiver lost): due at once with a fresh count of attempts. The same Idempotency-Key goes
 * with it, so a receiver that already has it sees a retry, not a new notice. Delivery state is
 * the outbox's, not the registry's, so this is no ledger event.
 */
export async function requestRedelivery(ctx: ServiceContext, noticeId: string): Promise<DeliveryRow> {
  const row = NOTICE_ID.test(noticeId) ? await requeueNotice(ctx.db, noticeId, ctx.clock()) : undefined;
  if (row === undefined) throw new CredenceError('CRD_NOTICE_NOT_FOUND', `no notice ${noticeId}`);
  return row;
}
