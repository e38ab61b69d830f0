import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServiceContext } from '../src/services/context.ts';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { aCourtRecord, aListingDecision, aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let operator: string;
let relying: string;
const minorPerson = aResidentId();
const debtor = aResidentId();
const seriousOrg = anUscc();
const ids: Record<string, string> = {};

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
  const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  const market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  // Minor: at most 3 months from 2026-10-20 (NDRC credit repair measures).
  ids.minor = await t.file(
    market,
    aPenalty({ tier: 'minor', kind: 'person', subjectId: minorPerson, decided_at: '2026-10-20' }),
  );
  // Fa Shi [2017] 7 art. 2: listed for 2 years from 2026-10-01.
  ids.judgment = await t.file(court, aCourtRecord({ subjectId: debtor, criterion: 'refuses_settlement' }));
  // serious-dishonesty rests on a listing decision and has a 30-day notice period.
  ids.serious = await t.file(market, aListingDecision({ subjectId: seriousOrg }));
});
after(() => t.close());

async function runOnce(now: string): Promise<Record<string, number>> {
  const { code, out, err } = await t.cli('jobs', 'run', '--once', '--now', now, '--json');
  assert.equal(code, 0, err);
  const { at, ...counts } = JSON.parse(out);
  assert.equal(at, new Date(now).toISOString());
  await t.registry.follower.catchUp();
  t.now = new Date(now);
  return counts;
}

const recordStatus = async (id: string) =>
  (await t.registry.rt.db.selectFrom('records').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const noticeKinds = async (scheme: string, id: string) =>
  (await t.app.inject({ url: `/v1/subjects/${scheme}/${id}/notices`, headers: bearer(operator) }))
    .json()
    .notices.map((n: { kind: string }) => n.kind);
const ask = async (id: string) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: { subject: { scheme: 'cn-rid', id }, action: 'travel.air.premium_class', purpose: 'ticketing' },
    })
  ).json();

async function world(): Promise<{ head: string; notices: number }> {
  const db = t.registry.rt.db;
  const head = (await db.selectFrom('ledger').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow())
    .seq;
  const notices = Number(
    (
      await db
        .selectFrom('notices')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  return { head, notices };
}

describe('scheduled jobs', () => {
  test(
    'runJobs starts a listing whose notice period ran out, passes deadlines, ' +
      'then runs extra jobs with the same instant',
    async () => {
      const now = new Date('2026-12-02T00:00:00Z');
      const seen: Date[] = [];
      const counts = await runJobs(
        {
          ctx: t.registry.rt,
          webhook: null,
          extraJobs: {
            probe: async (ctx) => {
              seen.push(ctx.clock());
              return 0;
            },
          },
        },
        now,
      );
      assert.deepEqual(
        Object.keys(counts),
        [
          'expired',
          'reevaluated',
          'overdue_disputes',
          'overdue_repairs',
          'purged_staff_sessions',
          'purged_sign_in_throttles',
          'purged_subject_sessions',
          'purged_oidc_sign_ins',
          'stalled_imports',
          'purged_amendments',
          'probe',
        ],
        'no webhook: no delivery counts',
      );
      assert.equal(counts.expired, 0);
      assert.ok(counts.reevaluated! >= 1);
      assert.deepEqual(seen, [now]);
      assert.ok((await noticeKinds('cn-uscc', seriousOrg)).includes('list.started'));
      const pending = await t.registry.rt.db
        .selectFrom('notices')
        .select('delivery_status')
        .where('delivery_status', '!=', 'pending')
        .execute();
      assert.deepEqual(pending, [], 'without a webhook every notice stays pending, and visible');
    },
  );

  test('a dispute past its deadline is marked overdue, and its record suspended, by jobs run', async () => {
    t.now = new Date('2026-12-02T00:00:00Z');
    const opened = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${ids.serious}/disputes`,
      headers: bearer(operator),
      payload: { statement: 'The listing decision was annulled on reconsideration.' },
    });
    assert.equal(opened.statusCode, 201, opened.body);
    assert.equal((await runOnce('2026-12-31T00:00:00Z')).overdue_disputes, 0, 'not before its 30 days are over');
    assert.equal((await runOnce('2027-01-02T00:00:00Z')).overdue_disputes, 1);
    assert.equal(await recordStatus(ids.serious!), 'suspended');
    assert.ok((await noticeKinds('cn-uscc', seriousOrg)).includes('dispute.overdue'));
  });

  test('a repair past its deadline is marked overdue once, in the ledger, and the subject told', async () => {
    const agency = await t.keyFor({ role: 'agency', name: 'Tax Bureau', agency_kind: 'market' });
    const person = aResidentId();
    const recordId = await t.file(
      agency,
      aPenalty({ tier: 'minor', kind: 'person', subjectId: person, decided_at: '2026-12-20' }),
    );
    const post = (url: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url, headers: bearer(operator), payload });
    const commitment = { text: 'I will pay every fine on time.', document_ref: '信用承诺书 2027-01' };
    assert.equal((await post(`/v1/subjects/cn-rid/${person}/commitments`, commitment)).statusCode, 201);
    const applied = await post(`/v1/records/${recordId}/repairs`, { evidence: 'Fine paid in full' });
    assert.equal(applied.statusCode, 201, applied.body);
    const due = applied.json().due_at as string; // NDRC Order No. 36 (2025): 10 working days on
    const before = new Date(new Date(due).getTime() - 60_000).toISOString();
    assert.equal((await runOnce(before)).overdue_repairs, 0, 'not before its deadline');
    assert.equal((await runOnce(due)).overdue_repairs, 1);
    assert.equal((await runOnce(due)).overdue_repairs, 0, 'marked once: a second run passes it over');
    const pending = await t.app.inject({ url: '/v1/repairs?status=pending', headers: bearer(operator) });
    const repair = pending.json().repairs.find((r: { record_id: string }) => r.record_id === recordId);
    assert.equal(repair.status, 'pending', 'still for the agency to decide');
    assert.equal(repair.overdue_at, due);
    assert.equal(await recordStatus(recordId), 'active', 'the record is unchanged');
    const events = await t.registry.rt.db
      .selectFrom('ledger')
      .select('payload')
      .where('type', '=', 'repair.overdue')
      .execute();
    assert.deepEqual(
      events.map((e) => JSON.parse(e.payload)),
      [{ repair_id: repair.repair_id, record_id: recordId, due_at: due }],
    );
    const notices = (
      await t.app.inject({
        url: `/v1/subjects/cn-rid/${person}/notices`,
        headers: { ...bearer(operator), 'accept-language': 'zh-CN' },
      })
    ).json().notices;
    const told = notices.filter((n: { kind: string }) => n.kind === 'repair.overdue');
    assert.equal(told.length, 1);
    assert.match(told[0].what, /未在.*前对您就记录.*信用修复申请作出决定/);
    const inEnglish = (await t.app.inject({ url: `/v1/subjects/cn-rid/${person}/notices`, headers: bearer(operator) }))
      .json()
      .notices.find((n: { kind: string }) => n.kind === 'repair.overdue');
    assert.match(inEnglish.what, /Tax Bureau did not decide your credit repair application .* by \d+ January 2027/);
    const decided = await t.app.inject({
      method: 'POST',
      url: `/v1/repairs/${repair.repair_id}/decision`,
      headers: bearer(agency),
      payload: { approve: true, reason: 'Fine paid' },
    });
    assert.equal(decided.statusCode, 200, 'the agency may still decide it, late');
    assert.equal(decided.json().repair.overdue, false);
  });

  test(
    'a minor penalty expires after 3 months: status expired, a record.expired notice, ' + 'the score back to base',
    async () => {
      assert.equal((await runOnce('2027-01-19T00:00:00Z')).expired, 0, 'not before its 3 months are over');
      assert.equal(await recordStatus(ids.minor!), 'active');
      const counts = await runOnce('2027-01-21T00:00:00Z');
      assert.equal(counts.expired, 1);
      assert.equal(await recordStatus(ids.minor!), 'expired');
      const notices = (
        await t.app.inject({ url: `/v1/subjects/cn-rid/${minorPerson}/notices`, headers: bearer(operator) })
      ).json().notices;
      const expired = notices.find((n: { kind: string }) => n.kind === 'record.expired');
      assert.equal(expired.record_id, ids.minor);
      assert.match(expired.what, /20 January 2027/);
      const report = (
        await t.app.inject({ url: `/v1/subjects/cn-rid/${minorPerson}/report`, headers: bearer(operator) })
      ).json();
      assert.equal(report.score, 1000, JSON.stringify(report));
      const types = (
        await t.registry.rt.db
          .selectFrom('ledger')
          .select('type')
          .where('subject_id', '=', expired.subject_id)
          .execute()
      ).map((r) => r.type);
      assert.ok(types.includes('record.expired'));
    },
  );

  test('a judgment default expires after 2 years: the listing ends, and decisions no longer deny', async () => {
    t.now = new Date('2028-09-30T00:00:00Z');
    assert.equal((await ask(debtor)).outcome, 'deny');
    const counts = await runOnce('2028-10-02T00:00:00Z');
    assert.equal(counts.expired, 1);
    assert.equal(await recordStatus(ids.judgment!), 'expired');
    const kinds = await noticeKinds('cn-rid', debtor);
    assert.ok(kinds.includes('record.expired') && kinds.includes('list.ended'), kinds.join());
    const decision = await ask(debtor);
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.measures, []);
  });

  test('running again as of the same instant changes nothing', async () => {
    const before = await world();
    const counts = await runOnce('2028-10-02T00:00:00Z');
    assert.deepEqual(counts, {
      expired: 0,
      reevaluated: 0,
      overdue_disputes: 0,
      overdue_repairs: 0,
      purged_staff_sessions: 0,
      purged_sign_in_throttles: 0,
      purged_subject_sessions: 0,
      purged_oidc_sign_ins: 0,
      stalled_imports: 0,
      purged_amendments: 0,
      inquiry_partitions: 0,
    });
    assert.deepEqual(await world(), before);
  });

  test('ledger replay afterwards rebuilds identical projections, expiries included', async () => {
    const before = await t.snapshot();
    const { code, err } = await t.cli('ledger', 'replay');
    assert.equal(code, 0, err);
    assert.deepEqual(await t.snapshot(), before);
    assert.equal(await recordStatus(ids.judgment!), 'expired');
  });

  test('jobs run prints counts for people, and refuses a bad --now', async () => {
    const { code, out } = await t.cli('jobs', 'run', '--once', '--now', '2028-10-02T00:00:00Z');
    assert.equal(code, 0);
    assert.match(
      out,
      new RegExp(
        'Jobs as of 2028-10-02T00:00:00.000Z: expired 0, reevaluated 0, overdue disputes 0, overdue repairs 0, ' +
          'purged staff sessions 0, purged sign in throttles 0, purged subject sessions 0, purged oidc sign ins 0, ' +
          'stalled imports 0, purged amendments 0, inquiry partitions \\d+ ' +
          '\\(notice delivery off',
      ),
    );
    assert.equal((await t.cli('jobs', 'run', '--once', '--now', 'yesterday')).code, 2);
    assert.match((await t.cli('jobs', 'run', '--now', '2028-10-02T00:00:00Z')).err, /CRD_USAGE.*--once/);
  });

  test('a record filed after its window already ended is still marked expired by the next run', async () => {
    const market = await t.keyFor({ role: 'agency', name: 'Late Filer', agency_kind: 'market' });
    // A minor penalty counts at most 3 months; this one was decided ten months before filing.
    const late = await t.file(
      market,
      aPenalty({ tier: 'minor', kind: 'person', subjectId: aResidentId(), decided_at: '2026-01-05' }),
    );
    const status = async () =>
      (await t.registry.rt.db.selectFrom('records').select('status').where('id', '=', late).executeTakeFirstOrThrow())
        .status;
    assert.equal(await status(), 'active');
    const counts = await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
    assert.ok((counts.expired ?? 0) >= 1, JSON.stringify(counts));
    assert.equal(await status(), 'expired');
  });

  test('the scheduler runs again when something falls due, not a whole interval later', async (context) => {
    const { scheduleJobs } = await import('../src/services/runtime/jobs.service.ts');
    context.mock.timers.enable({ apis: ['setTimeout'] });
    const runs: Date[] = [];
    const deps = {
      ctx: t.registry.rt,
      webhook: null,
      extraJobs: {
        probe: async (ctx: ServiceContext) => {
          runs.push(ctx.clock());
          return 0;
        },
      },
    };
    const scheduler = scheduleJobs({
      intervalMs: 60_000,
      clock: () => t.now,
      deps: () => deps,
      onError: (error) => {
        throw error;
      },
      nextDue: async () => new Date(t.now.getTime() + 2_000),
    });
    await scheduler.firstRun;
    assert.equal(runs.length, 1);
    context.mock.timers.tick(2_100);
    await new Promise((resolve) => setImmediate(resolve));
    await scheduler.stop();
    assert.equal(runs.length, 2, 'woken at the due time, 58 s before the interval');
  });
});
