/**
 * Amendments are purged (PIPL art. 19): once nothing is left to deliver, an amendment older than the policy's
 * `amendments.retention` (default two years) is deleted by the scheduled jobs; one still waiting to be delivered is
 * kept however old. The period is validated at load and shown on /about.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { buildPolicy } from '../src/policy/build-policy.ts';
import { readPolicyFiles, validatePolicyDocument } from '../src/policy/index.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { deliverDueAmendments } from '../src/services/due-process/amendment-delivery.service.ts';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const ACTION = 'travel.air.premium_class';
const DEFAULT_DIR = new URL('../policies/default', import.meta.url).pathname;

/** A webhook receiver on 127.0.0.1 answering `status` to everything. */
function aReceiver(status: number) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status).end());
  });
  return {
    start: async () => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/amendments`;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let t: TestRegistry;
const answering = aReceiver(200);
const failing = aReceiver(503);

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
});
after(async () => {
  await answering.stop();
  await failing.stop();
  await t.close();
});

async function relying(name: string, webhook: string | null): Promise<{ id: string; key: string }> {
  const { principal, key } = await createPrincipal(t.registry.rt, {
    role: 'relying',
    name,
    actions: [ACTION],
    purposes: ['ticketing'],
  });
  if (webhook !== null) assert.equal((await t.cli('principal', 'webhook', principal.id, '--url', webhook)).code, 0);
  return { id: principal.id, key };
}

const statuses = async () =>
  (
    await t.registry.rt.db.selectFrom('amendments').select(['principal_id', 'delivery_status']).orderBy('id').execute()
  ).map((a) => `${a.principal_id}:${a.delivery_status}`);

describe('amendments are kept for the policy’s retention, then purged', () => {
  test('delivered and pull-only ones past the period go; one waiting for delivery stays; idempotent', async () => {
    assert.equal(t.registry.rt.policy.amendments.retention, 'P2Y', 'the default, where the policy says nothing');
    const delivered = await relying('Air China', await answering.start());
    const pending = await relying('China Eastern', await failing.start());
    const pullOnly = await relying('China Railway', null);
    const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    const person = aResidentId();
    const recordId = await t.file(court, aCourtRecord({ subjectId: person }));
    for (const { key } of [delivered, pending, pullOnly]) {
      const asked = await t.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: bearer(key),
        payload: { subject: { scheme: 'cn-rid', id: person }, action: ACTION, purpose: 'ticketing' },
      });
      assert.equal(asked.statusCode, 200, asked.body);
    }
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${recordId}/revocation`,
      headers: bearer(court),
      payload: { reason: 'paid in full' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    const options = { backoff: () => 3_600_000 };
    assert.deepEqual(await deliverDueAmendments(t.registry.rt, options), { delivered: 1, retrying: 1, failed: 0 });
    const written = [`${delivered.id}:delivered`, `${pending.id}:pending`, `${pullOnly.id}:null`];
    assert.deepEqual(await statuses(), written.sort());

    const jobs = { ctx: t.registry.rt, webhook: null };
    const almost = await runJobs(jobs, new Date('2028-10-31T00:00:00Z'));
    assert.equal(almost.purged_amendments, 0, 'not before two years have passed');
    assert.equal((await statuses()).length, 3);
    const past = new Date('2028-11-02T00:00:00Z');
    assert.equal((await runJobs(jobs, past)).purged_amendments, 2);
    assert.deepEqual(await statuses(), [`${pending.id}:pending`], 'the one still to deliver is kept');
    assert.equal((await runJobs(jobs, past)).purged_amendments, 0, 'a second run deletes nothing more');
    assert.deepEqual(await statuses(), [`${pending.id}:pending`]);
  });

  test('/about states the period, in English and in Chinese', async () => {
    const en = await t.app.inject({ url: '/about' });
    assert.match(en.body, /What each service is told is kept for 2 years; after that it is deleted/);
    const zh = await t.app.inject({ url: '/about?lang=zh' });
    assert.match(zh.body, /告知各服务机构的内容保留2年；期满后予以删除/);
  });
});

describe('amendments.retention in the policy', () => {
  const defaultDocument = async () =>
    Object.assign({}, ...(await readPolicyFiles(DEFAULT_DIR)).map((f) => parse(f.text))) as Record<string, any>;

  test('a period the policy gives is used; one that is not an ISO 8601 duration is refused at its path', async () => {
    const doc = await defaultDocument();
    doc.amendments.retention = 'P18M';
    assert.deepEqual(validatePolicyDocument(doc).problems, []);
    assert.equal(buildPolicy(doc).amendments.retention, 'P18M');
    doc.amendments.retention = '2 years';
    const problems = validatePolicyDocument(doc).problems;
    assert.deepEqual(
      problems.map((p) => p.path),
      ['amendments.retention'],
    );
    assert.match(problems[0]!.message, /ISO 8601 duration of years, months, weeks or days such as "P2Y"/);
  });
});
