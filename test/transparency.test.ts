import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCommitment } from './support/commitments.ts';
import { aCourtRecord, aListingDecision, aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const DAY = 86_400_000;

let t: TestRegistry;
let court: string;
let market: string;
let operator: string;

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
});
after(() => t.close());

async function post(key: string, url: string, payload: unknown) {
  const response = await t.app.inject({
    method: 'POST',
    url,
    headers: bearer(key),
    payload: payload as Record<string, unknown>,
  });
  assert.ok(response.statusCode < 300, `${url}: ${response.body}`);
  return response.json();
}

const report = async (query = '') => {
  const response = await t.app.inject({ url: `/v1/public/transparency${query}` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
};

/** Moves the clock by `days` (tests here only move forward: each builds on the last). */
const advance = (days: number) => {
  t.now = new Date(t.now.getTime() + days * DAY);
};

describe('transparency', () => {
  const people = [aResidentId(), aResidentId(), aResidentId()];
  const company = anUscc();
  const records: string[] = [];

  test('counts records filed by type and agency, list sizes and decisions by action and outcome', async () => {
    for (const id of people) records.push(await t.file(court, aCourtRecord({ subjectId: id, name: '孙悟空' })));
    records.push(await t.file(market, aListingDecision({ subjectId: company })));
    for (const id of [people[0]!, people[1]!, aResidentId()]) {
      await post(operator, '/v1/decisions', {
        subject: { scheme: 'cn-rid', id },
        action: 'travel.air.premium_class',
        purpose: 'ticketing',
      });
    }
    await t.registry.rt.log.drain();
    const body = await report();
    assert.equal(body.to, '2026-11-01');
    assert.equal(body.from, '2025-11-02');
    assert.equal(body.records_filed.total, 4);
    assert.deepEqual(body.records_filed.by_type_and_agency, [
      { type: 'court.judgment_default', agency_id: 'haidian-court', count: 3 },
      { type: 'listing.serious_dishonesty', agency_id: 'market-regulator', count: 1 },
    ]);
    const list = (id: string) => body.lists.find((l: { list: string }) => l.list === id);
    assert.deepEqual([list('judgment-defaulters').active, list('judgment-defaulters').pending], [3, 0]);
    assert.deepEqual([list('serious-dishonesty').active, list('serious-dishonesty').pending], [0, 1]);
    assert.deepEqual([list('red-list').active, list('red-list').pending], [0, 0]);
    assert.equal(body.decisions.total, 3);
    assert.deepEqual(body.decisions.by_action_and_outcome, [
      { action: 'travel.air.premium_class', outcome: 'allow', count: 1 },
      { action: 'travel.air.premium_class', outcome: 'deny', count: 2 },
    ]);
  });

  test('counts disputes opened, resolved, overturned, the median days to resolve, and overdue ones', async () => {
    const [a, b, , c] = records;
    const disputeOn = async (recordId: string) =>
      (await post(operator, `/v1/records/${recordId}/disputes`, { statement: 'this is not mine' }))
        .dispute_id as string;
    const resolve = (id: string, outcome: string) =>
      post(court, `/v1/disputes/${id}/resolution`, { outcome, reason: 'reinvestigated' });
    const [da, db] = [await disputeOn(a!), await disputeOn(b!)];
    await disputeOn(c!); // left unanswered
    advance(4);
    await resolve(da, 'revoked');
    advance(6);
    await resolve(db, 'upheld');
    const before = await report();
    assert.deepEqual(
      { ...before.disputes, median_days_to_resolve: undefined },
      {
        opened: 3,
        resolved: 2,
        overturned: 1,
        outcomes: { upheld: 1, corrected: 0, revoked: 1 },
        median_days_to_resolve: undefined,
        overdue: 0,
        overdue_open_now: 0,
      },
    );
    assert.equal(before.disputes.median_days_to_resolve, 7);
    advance(21); // day 31: the unanswered dispute is past its 30 days (FCRA § 611)
    const after = await report();
    assert.equal(after.disputes.overdue, 1);
    assert.equal(after.disputes.overdue_open_now, 1);
  });

  test('counts repair applications approved and refused', async () => {
    const third = records[2]!;
    const apply = async (recordId: string, subject: string) => {
      await makeCommitment(t, operator, subject); // NDRC Order No. 36 (2025): repair needs one
      return (await post(operator, `/v1/records/${recordId}/repairs`, { evidence: 'paid in full', performed: true }))
        .repair_id as string;
    };
    const approved = await apply(third, `cn-rid:${people[2]}`);
    await post(court, `/v1/repairs/${approved}/decision`, { approve: true, reason: 'performed' });
    advance(200); // a general-tier record may be repaired after 3 months, a serious one after a year
    const penalised = anUscc();
    const refused = await post(market, '/v1/records', {
      records: [
        aPenalty({
          subjectId: penalised,
          tier: 'general',
          decided_at: new Date(t.now.getTime() - 100 * DAY).toISOString().slice(0, 10),
        }),
      ],
    });
    await post(market, `/v1/repairs/${await apply(refused.accepted[0].record_id, `cn-uscc:${penalised}`)}/decision`, {
      approve: false,
      reason: 'fine not paid',
    });
    const body = await report();
    assert.deepEqual(body.repairs, { approved: 1, refused: 1 });
  });

  test('a period selects by date, inclusive at both ends', async () => {
    const day = (await report('?from=2026-11-01&to=2026-11-01')).records_filed.total;
    assert.equal(day, 4);
    assert.equal((await report('?from=2026-10-01&to=2026-10-31')).records_filed.total, 0);
    assert.equal((await report('?from=2026-11-02&to=2026-11-30')).decisions.total, 0);
  });

  test('a bad period is a coded 400: not a date, to before from, longer than 5 years', async () => {
    const status = async (query: string) => {
      const response = await t.app.inject({ url: `/v1/public/transparency${query}` });
      return [response.statusCode, response.json().error?.code];
    };
    assert.deepEqual(await status('?from=yesterday'), [400, 'CRD_INVALID_DATE']);
    assert.deepEqual(await status('?from=2026-02-30'), [400, 'CRD_INVALID_DATE']);
    assert.deepEqual(await status('?from=2026-11-02&to=2026-11-01'), [400, 'CRD_VALIDATION']);
    assert.deepEqual(await status('?from=2021-01-01&to=2026-01-01'), [400, 'CRD_VALIDATION']);
    assert.equal((await status('?from=2021-01-02&to=2026-01-01'))[0], 200);
  });

  test('holds aggregates only: no name or identifier of any subject', async () => {
    const text = JSON.stringify(await report());
    for (const id of [...people, company]) assert.ok(!text.includes(id));
    assert.ok(!text.includes('孙悟空'));
  });
});
