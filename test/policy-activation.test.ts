/**
 * Policy activation as resumable background work (issue 12): each subject switches to the new policy with its
 * page, atomically; decisions name the version they were made under, a batch may mix two; writes during the
 * activation reproject each subject under the policy it is decided under; a replay mid-way or after gives the same
 * projections; and an activation killed half-way resumes at its cursor, every subject rescored (and told) once.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readParams } from '../src/domain/notice-storage.ts';
import type { Policy } from '../src/domain/policy.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { runActivationPage, schedulePolicyActivation } from '../src/services/ledger/policy.service.ts';
import { loadPolicyDir, policyFromStore } from '../src/services/runtime/open-registry.ts';
import { aPenalty, anUscc } from './support/factories.ts';
import { policyWithInspectionOrders, policyWithReviewList } from './support/policies.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let t: TestRegistry;
let dir: string;
let variant: { policy: Policy; document: Record<string, unknown> };
let market: string;
let buyer: string;
let defaultVersion: string;

before(async () => {
  t = await startTestRegistry();
  defaultVersion = t.registry.rt.policy.version;
  dir = await policyWithReviewList('activation');
  variant = await loadPolicyDir(dir);
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  buyer = await t.keyFor({
    role: 'relying',
    name: 'Procurement Centre',
    actions: ['procurement.bid'],
    purposes: ['procurement'],
  });
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

/** Companies with a general penalty: allowed to bid under the default policy, under review under the variant. */
async function companies(count: number): Promise<string[]> {
  const orgs = Array.from({ length: count }, () => anUscc());
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(market),
    payload: { records: orgs.map((org) => aPenalty({ tier: 'general', subjectId: org })) },
  });
  assert.equal(response.json().accepted?.length, count, response.body);
  return orgs;
}

async function decideAll(orgs: readonly string[]): Promise<{ outcome: string; policy_version: string }[]> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/decisions/batch',
    headers: bearer(buyer),
    payload: {
      subjects: orgs.map((id) => ({ scheme: 'cn-uscc', id })),
      action: 'procurement.bid',
      purpose: 'procurement',
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().results;
}

const stateOf = async (org: string) =>
  t.registry.rt.db
    .selectFrom('subject_state as s')
    .innerJoin('subject_identifiers as i', 'i.subject_id', 's.subject_id')
    .select(['s.policy_digest', 's.active_lists'])
    .where('i.scheme', '=', 'cn-uscc')
    .where('i.value', '=', org)
    .executeTakeFirstOrThrow();

describe('an activation run a page at a time', () => {
  test('switches each subject with its page; decisions, writes and replays follow the cursor', async () => {
    // A company the new policy leaves as it is: a serious penalty, not a general one.
    const steady = anUscc();
    await t.file(market, aPenalty({ tier: 'serious', subjectId: steady }));
    const steadyBefore = await stateOf(steady);
    const orgs = await companies(3);
    assert.deepEqual(
      (await decideAll(orgs)).map((d) => [d.outcome, d.policy_version]),
      orgs.map(() => ['allow', defaultVersion]),
    );
    const scheduled = await schedulePolicyActivation(t.registry.rt, variant.policy, variant.document, {
      reason: 'a review list for general penalties',
      requestedBy: 'cli',
    });
    assert.equal(scheduled.state, 'open');
    // Asked again (a retry): the same activation, not a second.
    const again = await schedulePolicyActivation(t.registry.rt, variant.policy, variant.document, {
      reason: 'retry',
      requestedBy: 'cli',
    });
    assert.ok(again.state === 'open' && !again.created && scheduled.state === 'open');
    assert.equal(again.activation.id, scheduled.activation.id);

    // Subjects filed before these three (by other tests' fixtures) come first: page until the first org switches.
    const first = BigInt((await subjectIdOf(orgs[0]!)) ?? '0');
    for (let cursor = 0n; cursor < first; ) {
      const page = await runActivationPage(t.registry.rt, 1);
      assert.equal(page.kind, 'page');
      cursor = page.kind === 'page' ? BigInt(page.activation.cursor!) : cursor;
    }
    // Its page left the steady company's row as it was (nothing changed), yet it is decided under the new policy.
    assert.deepEqual(await stateOf(steady), steadyBefore);
    assert.deepEqual(
      (await decideAll([steady])).map((d) => d.policy_version),
      [variant.policy.version],
    );
    const mixed = await decideAll(orgs);
    assert.deepEqual(
      mixed.map((d) => [d.outcome, d.policy_version]),
      [
        ['review', variant.policy.version],
        ['allow', defaultVersion],
        ['allow', defaultVersion],
      ],
      'one batch, two policies: each decision names its own',
    );
    const logged = await t.registry.rt.db
      .selectFrom('inquiries')
      .select(['subject_value', 'policy_version'])
      .where('subject_value', 'in', orgs)
      .where('outcome', 'in', ['review', 'allow'])
      .orderBy('at', 'desc')
      .execute();
    assert.ok(logged.some((r) => r.subject_value === orgs[0] && r.policy_version === variant.policy.version));
    assert.ok(logged.some((r) => r.subject_value === orgs[1] && r.policy_version === defaultVersion));

    // A write during the activation reprojects each subject under the policy it is decided under.
    await t.file(market, aPenalty({ tier: 'general', subjectId: orgs[0] }));
    await t.file(market, aPenalty({ tier: 'general', subjectId: orgs[2] }));
    assert.equal((await stateOf(orgs[0]!)).policy_digest, variant.policy.digest);
    assert.equal((await stateOf(orgs[2]!)).policy_digest, t.registry.rt.policy.digest);
    assert.deepEqual(
      (await decideAll(orgs)).map((d) => d.policy_version),
      [variant.policy.version, defaultVersion, defaultVersion],
    );

    const midway = await t.snapshot();
    await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
    assert.deepEqual(await t.snapshot(), midway, 'a replay during the activation rebuilds the same projections');
    await t.registry.follower.warm(); // a restart mid-way: the warm-up knows which subjects switched
    assert.deepEqual(
      (await decideAll([steady, ...orgs])).map((d) => d.policy_version),
      [variant.policy.version, variant.policy.version, defaultVersion, defaultVersion],
    );

    for (let page = await runActivationPage(t.registry.rt, 2); page.kind === 'page'; )
      page = await runActivationPage(t.registry.rt, 2);
    assert.equal(t.registry.rt.policy.version, variant.policy.version, 'the index was rebuilt under the new policy');
    assert.deepEqual(
      (await decideAll(orgs)).map((d) => [d.outcome, d.policy_version]),
      orgs.map(() => ['review', variant.policy.version]),
    );
    for (const org of orgs) assert.deepEqual((await stateOf(org)).active_lists, ['under-review']);
    const activation = await t.registry.rt.db
      .selectFrom('policy_activations')
      .selectAll()
      .where('id', '=', scheduled.state === 'open' ? scheduled.activation.id : '')
      .executeTakeFirstOrThrow();
    assert.equal(activation.status, 'completed');
    assert.equal(activation.subjects_done, activation.subjects_total);

    const done = await t.snapshot();
    await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
    assert.deepEqual(await t.snapshot(), done, 'and after it');
    // Each company was told once that it joined the list, naming the version.
    for (const org of orgs) assert.equal(await listStartedNotices(org), 1);
  });

  test('another policy cannot be scheduled while one is open', async () => {
    const { policy, document } = await loadPolicyDir('policies/default');
    const first = await schedulePolicyActivation(t.registry.rt, policy, document, {
      reason: 'back',
      requestedBy: 'cli',
    });
    assert.equal(first.state, 'open');
    await assert.rejects(
      schedulePolicyActivation(t.registry.rt, variant.policy, variant.document, { reason: 'x', requestedBy: 'cli' }),
      (error: unknown) => (error as { code?: string }).code === 'CRD_ACTIVATION_IN_PROGRESS',
    );
    for (let page = await runActivationPage(t.registry.rt); page.kind === 'page'; )
      page = await runActivationPage(t.registry.rt);
    assert.equal(t.registry.rt.policy.digest, policy.digest);
  });
});

describe('activations over the API', () => {
  test('operators activate a document and follow it; others may not; one at a time', async () => {
    const operator = await t.keyFor({ role: 'operator', name: 'ops' });
    const post = (key: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/v1/policy/activations', headers: bearer(key), payload });
    const body = { document: variant.document, reason: 'a review list' };
    assert.equal((await post(buyer, body)).statusCode, 403);
    const invalid = await post(operator, { document: { ...variant.document, lists: 7 }, reason: 'x' });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'CRD_POLICY_INVALID');
    assert.ok(invalid.json().error.details.some((d: { path: string }) => d.path.startsWith('lists')));
    assert.equal((await post(operator, { ...body, starts_at: 'soon' })).statusCode, 400);

    const created = await post(operator, body);
    assert.equal(created.statusCode, 202, created.body);
    const again = await post(operator, body);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().activation.id, created.json().activation.id, 'a retry answers the same activation');
    const { document } = await loadPolicyDir('policies/default');
    const other = await post(operator, { document, reason: 'back' });
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().error.code, 'CRD_ACTIVATION_IN_PROGRESS');

    const listed = await t.app.inject({ url: '/v1/policy/activations', headers: bearer(operator) });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json().open.id, created.json().activation.id);
    assert.equal(listed.json().open.status, 'scheduled');
    assert.equal((await t.app.inject({ url: '/v1/policy/activations', headers: bearer(buyer) })).statusCode, 403);

    // Back to the default policy, for the next test.
    for (let page = await runActivationPage(t.registry.rt); page.kind === 'page'; )
      page = await runActivationPage(t.registry.rt);
    assert.equal((await post(operator, body)).json().activation, null, 'the active policy: nothing to do');
    assert.equal((await post(operator, { document, reason: 'back' })).statusCode, 202);
    for (let page = await runActivationPage(t.registry.rt); page.kind === 'page'; )
      page = await runActivationPage(t.registry.rt);
    assert.equal(t.registry.rt.policy.version, defaultVersion);
  });
});

describe('a record type only the policy being activated knows', () => {
  let folder: string;
  let inspections: { policy: Policy; document: Record<string, unknown> };
  before(async () => {
    folder = await policyWithInspectionOrders('inspections');
    inspections = await loadPolicyDir(folder);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  const orderFor = (subjectId: string) => aPenalty({ subjectId, type: 'market.inspection_order' });
  const file = async (records: Record<string, unknown>[], language = 'en') => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { ...bearer(market), 'accept-language': language },
      payload: { records },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json() as {
      accepted: unknown[];
      rejected: { errors: { code: string; message: string; params?: Record<string, string> }[] }[];
    };
  };

  test(
    'refused until the activation starts, then filed at once: its subject switches early, told once, ' +
      'and pages, replays and the warm-up agree',
    async () => {
      const target = anUscc();
      await t.file(market, aPenalty({ tier: 'serious', subjectId: target }));
      const [bystander] = await companies(1);
      assert.equal((await file([orderFor(target)])).rejected[0]?.errors[0]?.code, 'CRD_UNKNOWN_RECORD_TYPE');

      const startsAt = new Date(t.now.getTime() + 60_000);
      const scheduled = await schedulePolicyActivation(t.registry.rt, inspections.policy, inspections.document, {
        reason: 'inspection orders',
        requestedBy: 'cli',
        startsAt,
      });
      assert.equal(scheduled.state, 'open');
      const early = await file([orderFor(target)]);
      assert.equal(early.accepted.length, 0);
      assert.deepEqual(
        early.rejected[0]?.errors.map((e) => [e.code, e.params?.activation, e.params?.starts_at]),
        [
          [
            'CRD_RECORD_TYPE_NOT_YET_IN_FORCE',
            scheduled.state === 'open' ? scheduled.activation.id : '',
            startsAt.toISOString(),
          ],
        ],
      );
      const inChinese = (await file([orderFor(target)], 'zh')).rejected[0]?.errors[0]?.message ?? '';
      assert.match(inChinese, /^记录类型“market\.inspection_order”属于政策 .+，请届时再提交$/);

      t.now = new Date(startsAt.getTime() + 60_000);
      assert.equal((await runActivationPage(t.registry.rt, 1)).kind, 'page', 'the cursor is before these subjects');
      const version = inspections.policy.version;
      const fresh = anUscc();
      const filed = await file([
        orderFor(target),
        orderFor(fresh),
        aPenalty({ tier: 'general', subjectId: bystander }),
      ]);
      assert.equal(filed.accepted.length, 3, JSON.stringify(filed.rejected));
      for (const org of [target, fresh]) {
        const state = await stateOf(org);
        assert.equal(state.policy_digest, inspections.policy.digest, 'switched early, with its filing');
        assert.deepEqual(state.active_lists, ['under-review']);
        assert.equal(await listStartedNotices(org), 1);
        const told = await t.registry.rt.db
          .selectFrom('notices')
          .select('params')
          .where('subject_id', '=', (await subjectIdOf(org))!)
          .where('kind', '=', 'list.started')
          .executeTakeFirstOrThrow();
        assert.equal(readParams('list.started', told.params!).policy_version, version, 'naming the policy, as a page');
      }
      assert.equal((await stateOf(bystander!)).policy_digest, t.registry.rt.policy.digest, 'the others wait');
      const expected = [
        ['review', version],
        ['review', version],
        ['allow', defaultVersion],
      ];
      const decided = async () =>
        (await decideAll([target, fresh, bystander!])).map((d) => [d.outcome, d.policy_version]);
      assert.deepEqual(await decided(), expected);

      // Their reports read the policy their decisions are made under.
      const operator = await t.keyFor({ role: 'operator', name: 'ops' });
      const reportOf = async (org: string) => {
        const response = await t.app.inject({ url: `/v1/subjects/cn-uscc/${org}/report`, headers: bearer(operator) });
        assert.equal(response.statusCode, 200, response.body);
        const report = response.json() as { policy_version: string; lists: { list: string; status: string }[] };
        return [report.policy_version, report.lists.filter((l) => l.status === 'active').map((l) => l.list)];
      };
      assert.deepEqual(await reportOf(target), [version, ['under-review']]);
      assert.deepEqual(await reportOf(bystander!), [defaultVersion, []]);

      // A later write about a switched subject reprojects it under the new policy, as a page would: it is not
      // switched again. One whose order is revoked stays under the new policy, in its base state.
      assert.equal((await file([aPenalty({ tier: 'general', subjectId: target })])).accepted.length, 1);
      const lapsed = anUscc();
      const order = (await file([orderFor(lapsed)])).accepted as { record_id: string }[];
      const revocation = await t.app.inject({
        method: 'POST',
        url: `/v1/records/${order[0]!.record_id}/revocation`,
        headers: bearer(market),
        payload: { reason: 'filed in error' },
      });
      assert.equal(revocation.statusCode, 200, revocation.body);
      assert.deepEqual(await stateOf(lapsed), { policy_digest: inspections.policy.digest, active_lists: [] });
      const lapsedDecision = async () => (await decideAll([lapsed])).map((d) => d.policy_version);
      assert.deepEqual(await lapsedDecision(), [version]);
      assert.deepEqual(await reportOf(lapsed), [version, []]);
      const switched = await t.registry.rt.db
        .selectFrom('ledger')
        .select('subject_id')
        .where('type', '=', 'policy.subject_switched')
        .execute();
      assert.deepEqual(
        switched.map((e) => e.subject_id).sort(),
        [await subjectIdOf(target), await subjectIdOf(fresh), await subjectIdOf(lapsed)].sort(),
        'each subject switched once',
      );

      const midway = await t.snapshot();
      await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
      assert.deepEqual(await t.snapshot(), midway, 'a replay switches them early too');
      await t.registry.follower.warm();
      assert.deepEqual(await decided(), expected, 'and so does a restart');
      assert.deepEqual(await lapsedDecision(), [version], 'the base state under the new policy too');

      for (let page = await runActivationPage(t.registry.rt, 2); page.kind === 'page'; )
        page = await runActivationPage(t.registry.rt, 2);
      assert.equal(t.registry.rt.policy.digest, inspections.policy.digest);
      for (const org of [target, fresh])
        assert.equal(await listStartedNotices(org), 1, 'their pages told them nothing more');
      assert.deepEqual((await decided()).slice(0, 2), expected.slice(0, 2));
      const done = await t.snapshot();
      await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
      assert.deepEqual(await t.snapshot(), done, 'and after it');

      // Back to the default policy, for the next test.
      const { policy, document } = await loadPolicyDir('policies/default');
      await schedulePolicyActivation(t.registry.rt, policy, document, { reason: 'back', requestedBy: 'cli' });
      for (let page = await runActivationPage(t.registry.rt); page.kind === 'page'; )
        page = await runActivationPage(t.registry.rt);
      assert.equal(t.registry.rt.policy.version, defaultVersion);
    },
  );
});

async function subjectIdOf(org: string): Promise<string | undefined> {
  return (
    await t.registry.rt.db
      .selectFrom('subject_identifiers')
      .select('subject_id')
      .where('scheme', '=', 'cn-uscc')
      .where('value', '=', org)
      .executeTakeFirst()
  )?.subject_id;
}

async function listStartedNotices(org: string): Promise<number> {
  const id = await subjectIdOf(org);
  const rows = await t.registry.rt.db
    .selectFrom('notices')
    .select('id')
    .where('subject_id', '=', id!)
    .where('kind', '=', 'list.started')
    .where('list_id', '=', 'under-review')
    .execute();
  return rows.length;
}

test('an activation killed half-way resumes at its cursor: every subject rescored and told once', async () => {
  const orgs = await companies(150);
  const run = () =>
    spawn(
      process.execPath,
      [path.join(ROOT, 'bin/credence.js'), 'policy', 'activate', dir, '--reason', 'resume test', '--page-size', '1'],
      { env: { ...process.env, DATABASE_URL: t.databaseUrl, CREDENCE_DATA_DIR: t.config.dataDir }, stdio: 'ignore' },
    );
  const progress = async () =>
    t.registry.rt.db
      .selectFrom('policy_activations')
      .select(['status', 'subjects_done', 'subjects_total'])
      .where('digest', '=', variant.policy.digest)
      .orderBy('seq', 'desc')
      .executeTakeFirst();
  const child = run();
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while (Number((await progress())?.subjects_done ?? 0) < 20 && child.exitCode === null)
    await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  await exited;
  const killed = await progress();
  assert.equal(killed?.status, 'running', 'killed half-way');
  assert.ok(Number(killed.subjects_done) < Number(killed.subjects_total));

  const rerun = run();
  const code = await new Promise((resolve) => rerun.on('exit', resolve));
  assert.equal(code, 0);
  const finished = await progress();
  assert.equal(finished?.status, 'completed');
  assert.equal(finished.subjects_done, finished.subjects_total, 'every subject once');
  for (const org of orgs.slice(0, 20)) assert.equal(await listStartedNotices(org), 1);
  for (const org of orgs.slice(-20)) assert.equal(await listStartedNotices(org), 1);
  await t.registry.follower.catchUp();
  assert.equal(t.registry.rt.policy.digest, variant.policy.digest);
});
