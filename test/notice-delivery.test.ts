import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import {
  deliverDueNotices,
  retryDelayMs,
  webhookFromConfig,
  type Webhook,
} from '../src/services/due-process/notice-delivery.service.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const SECRET = 'test-webhook-secret-0123456789';

interface Delivery {
  readonly key: string;
  readonly signature: string;
  readonly timestamp: string;
  readonly raw: string;
  readonly body: {
    id: string;
    kind: string;
    subject: { identifiers: { scheme: string; value: string }[] };
    what: string;
    params: unknown;
    texts: Record<'en' | 'zh', { what: string; how_to_dispute: string | null }>;
  };
}

/** A webhook receiver on 127.0.0.1 that can be down (not listening), failing (503), hanging or up. */
class Receiver {
  mode: 'up' | 'failing' | 'hanging' = 'up';
  delayMs = 0;
  received: Delivery[] = [];
  port = 0;
  private server: Server | null = null;

  get url(): string {
    return `http://127.0.0.1:${this.port}/notices`;
  }

  async start(): Promise<void> {
    this.server = createServer(
      (request, response) =>
        void this.handle(request).then((status) => {
          if (status !== null) response.writeHead(status).end();
        }),
    );
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
    this.server = null;
  }

  private async handle(request: IncomingMessage): Promise<number | null> {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    if (this.mode === 'hanging') return null;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.mode === 'failing') return 503;
    const header = (name: string) => String(request.headers[name] ?? '');
    this.received.push({
      key: header('idempotency-key'),
      signature: header('x-credence-signature'),
      timestamp: header('x-credence-timestamp'),
      raw,
      body: JSON.parse(raw),
    });
    return 200;
  }
}

let t: TestRegistry;
let court: string;
let operator: string;
let auditor: string;
const receiver = new Receiver();

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  auditor = await t.keyFor({ role: 'auditor', name: 'Audit Office' });
  await receiver.start();
});
after(async () => {
  await receiver.stop();
  await t.close();
});

const webhook = (overrides: Partial<Webhook> = {}): Webhook => ({
  url: receiver.url,
  secret: SECRET,
  backoff: () => 60_000,
  ...overrides,
});
const deliver = (overrides: Partial<Webhook> = {}) => deliverDueNotices(t.registry.rt, webhook(overrides));
const later = (ms: number) => {
  t.now = new Date(t.now.getTime() + ms);
};

/** Files judgment defaults about new people; returns their ids and the notices they caused. */
async function fileAbout(count: number): Promise<{ people: string[]; noticeIds: string[] }> {
  const people = Array.from({ length: count }, () => aResidentId());
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(court),
    payload: { records: people.map((id) => aCourtRecord({ subjectId: id })) },
  });
  assert.equal(response.json().accepted.length, count);
  const rows = await t.registry.rt.db
    .selectFrom('notices')
    .innerJoin('subject_identifiers', 'subject_identifiers.subject_id', 'notices.subject_id')
    .select('notices.id')
    .where('subject_identifiers.value', 'in', people)
    .execute();
  return { people, noticeIds: rows.map((r) => r.id).sort() };
}

const outbox = (ids: readonly string[]) =>
  t.registry.rt.db
    .selectFrom('notices')
    .select(['id', 'delivery_status', 'attempts', 'last_error', 'delivered_at', 'next_attempt_at'])
    .where('id', 'in', ids)
    .execute();

describe('notice delivery to the webhook', () => {
  test(
    'while the receiver is down notices wait, counted; ' + 'once it is up each is delivered exactly once, signed',
    async () => {
      const { people, noticeIds } = await fileAbout(2);
      assert.equal(noticeIds.length, 4, 'record.filed and list.started for each person');
      await receiver.stop(); // down: nothing listens on the port
      assert.deepEqual(await deliver(), { delivered: 0, retrying: 4, failed: 0 });
      for (const row of await outbox(noticeIds)) {
        assert.equal(row.delivery_status, 'pending');
        assert.equal(row.attempts, 1);
        assert.match(row.last_error!, /ECONNREFUSED/);
        assert.equal(row.next_attempt_at.getTime(), t.now.getTime() + 60_000);
      }
      assert.deepEqual(
        await deliver(),
        { delivered: 0, retrying: 0, failed: 0 },
        'nothing is due again before the backoff',
      );

      await receiver.start();
      receiver.mode = 'failing';
      later(60_000);
      assert.deepEqual(await deliver(), { delivered: 0, retrying: 4, failed: 0 });
      assert.ok((await outbox(noticeIds)).every((row) => row.attempts === 2 && row.last_error === 'HTTP 503'));

      receiver.mode = 'up';
      later(60_000);
      assert.deepEqual(await deliver(), { delivered: 4, retrying: 0, failed: 0 });
      assert.deepEqual(
        receiver.received.map((d) => d.key).sort(),
        noticeIds,
        'one delivery per notice, keyed by its id',
      );
      for (const d of receiver.received) {
        assert.equal(d.body.id, d.key);
        assert.equal(d.signature, `sha256=${createHmac('sha256', SECRET).update(d.raw).digest('hex')}`);
        assert.equal(d.timestamp, t.now.toISOString());
        assert.ok(people.includes(d.body.subject.identifiers[0]!.value));
        // Notices as data (issue 11): the kind and parameters, and the words in both languages.
        assert.equal(typeof d.body.params, 'object');
        assert.match(d.body.texts.zh.what, /[\u4e00-\u9fff]/, 'the Chinese text');
        assert.equal(d.body.what, d.body.texts.en.what);
      }
      assert.ok(
        (await outbox(noticeIds)).every(
          (row) => row.delivery_status === 'delivered' && row.delivered_at?.getTime() === t.now.getTime(),
        ),
      );

      later(3_600_000);
      assert.deepEqual(await deliver(), { delivered: 0, retrying: 0, failed: 0 }, 'a second pass sends nothing');
      assert.equal(receiver.received.length, 4);
      receiver.received = [];
    },
  );

  test('two passes at once never send the same notice (for update skip locked)', async () => {
    const { noticeIds } = await fileAbout(6);
    receiver.delayMs = 20;
    const [a, b] = await Promise.all([deliver({ batchSize: 2 }), deliver({ batchSize: 2 })]);
    receiver.delayMs = 0;
    assert.ok(a.delivered > 0 && b.delivered > 0, 'both passes worked at the same time');
    assert.equal(a.delivered + b.delivered, 12);
    assert.equal(receiver.received.length, 12);
    assert.deepEqual(receiver.received.map((d) => d.key).sort(), noticeIds);
    receiver.received = [];
  });

  test(
    'after its last attempt a notice is failed, visible to operators and auditors, ' + 'and retried on request',
    async () => {
      const { noticeIds } = await fileAbout(1);
      receiver.mode = 'failing';
      assert.deepEqual(await deliver({ maxAttempts: 2 }), { delivered: 0, retrying: 2, failed: 0 });
      later(60_000);
      assert.deepEqual(await deliver({ maxAttempts: 2 }), { delivered: 0, retrying: 0, failed: 2 });

      const overview = await t.app.inject({ url: '/v1/notices/deliveries', headers: bearer(auditor) });
      assert.equal(overview.statusCode, 200, overview.body);
      const body = overview.json();
      assert.deepEqual(body.counts, { pending: 0, delivered: 16, failed: 2 });
      assert.equal(body.oldest_pending, null);
      assert.deepEqual(body.notices.map((n: { id: string }) => n.id).sort(), noticeIds);
      assert.ok(
        body.notices.every(
          (n: { last_error: string; attempts: number }) => n.last_error === 'HTTP 503' && n.attempts === 2,
        ),
      );
      assert.equal(body.notices[0].what, undefined, 'no notice bodies');
      assert.equal(body.notices[0].last_attempt_at, t.now.toISOString());
      const deliveredResponse = await t.app.inject({
        url: '/v1/notices/deliveries?status=delivered',
        headers: bearer(operator),
      });
      const delivered = deliveredResponse.json();
      assert.equal(deliveredResponse.statusCode, 200, deliveredResponse.body);
      assert.equal(delivered.notices.length, 16);
      assert.equal(
        (await t.app.inject({ url: '/v1/notices/deliveries?status=lost', headers: bearer(operator) })).statusCode,
        400,
      );
      assert.equal((await t.app.inject({ url: '/v1/notices/deliveries', headers: bearer(court) })).statusCode, 403);

      const [first, second] = noticeIds as [string, string];
      assert.equal(
        (await t.app.inject({ method: 'POST', url: `/v1/notices/${first}/redelivery`, headers: bearer(auditor) }))
          .statusCode,
        403,
      );
      const missing = await t.app.inject({
        method: 'POST',
        url: '/v1/notices/no-such-notice/redelivery',
        headers: bearer(operator),
      });
      assert.equal(missing.json().error.code, 'CRD_NOTICE_NOT_FOUND');
      const requeued = await t.app.inject({
        method: 'POST',
        url: `/v1/notices/${first}/redelivery`,
        headers: bearer(operator),
      });
      assert.equal(requeued.statusCode, 200, requeued.body);
      assert.equal(requeued.json().delivery_status, 'pending');
      assert.equal(requeued.json().attempts, 0);
      const pending = (await t.app.inject({ url: '/v1/notices/deliveries', headers: bearer(operator) })).json();
      assert.equal(pending.oldest_pending.id, first);

      receiver.mode = 'up';
      assert.deepEqual(await deliver(), { delivered: 1, retrying: 0, failed: 0 });
      assert.deepEqual(
        receiver.received.map((d) => d.key),
        [first],
      );
      assert.equal((await outbox([second]))[0]!.delivery_status, 'failed', 'the other stays failed until asked for');
      receiver.received = [];
    },
  );

  test('a receiver that does not answer times out, and the notice waits for the next attempt', async () => {
    const { noticeIds } = await fileAbout(1);
    receiver.mode = 'hanging';
    assert.deepEqual(await deliver({ timeoutMs: 200 }), { delivered: 0, retrying: 2, failed: 0 });
    assert.ok((await outbox(noticeIds)).every((row) => row.last_error === 'timed out'));
    receiver.mode = 'up';
    later(60_000);
    const counts = await runJobs({ ctx: t.registry.rt, webhook: webhook() }, t.now);
    assert.equal(counts.delivered, 2);
    assert.equal(counts.delivery_retrying, 0);
    assert.deepEqual(receiver.received.map((d) => d.key).sort(), noticeIds);
    receiver.received = [];
  });

  test('retries back off exponentially from 30 seconds to at most an hour, with jitter', () => {
    assert.equal(
      retryDelayMs(1, () => 1),
      30_000,
    );
    assert.equal(
      retryDelayMs(1, () => 0),
      15_000,
    );
    assert.equal(
      retryDelayMs(3, () => 1),
      120_000,
    );
    assert.equal(
      retryDelayMs(20, () => 1),
      3_600_000,
    );
    assert.equal(
      retryDelayMs(20, () => 0),
      1_800_000,
    );
  });

  test('configuration: a webhook needs a secret, and must be an http(s) URL', () => {
    assert.equal(webhookFromConfig(loadConfig({})), null);
    assert.throws(
      () => loadConfig({ CREDENCE_NOTICE_WEBHOOK: 'https://receiver.example/notices' }),
      (error: { details: { path: string }[] }) =>
        error.details.some((d) => d.path === 'CREDENCE_NOTICE_WEBHOOK_SECRET'),
    );
    assert.throws(
      () => loadConfig({ CREDENCE_NOTICE_WEBHOOK: 'ftp://receiver.example/', CREDENCE_NOTICE_WEBHOOK_SECRET: 'short' }),
      (error: { details: { path: string }[] }) => error.details.length === 2,
    );
    const config = loadConfig({
      CREDENCE_NOTICE_WEBHOOK: 'https://receiver.example/notices',
      CREDENCE_NOTICE_WEBHOOK_SECRET: SECRET,
    });
    assert.deepEqual(webhookFromConfig(config), {
      url: 'https://receiver.example/notices',
      secret: SECRET,
      timeZone: 'Asia/Shanghai',
    });
  });
});
