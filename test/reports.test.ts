import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let relying: string;
let auditor: string;
const listed = aResidentId();
const other = aResidentId();

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
  auditor = await t.keyFor({ role: 'auditor', name: 'Audit Office' });
  await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(court),
    payload: { records: [aCourtRecord({ subjectId: listed, name: '王五' })] },
  });
  await t.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: bearer(relying),
    payload: { subject: { scheme: 'cn-rid', id: listed }, action: 'travel.air.premium_class', purpose: 'ticketing' },
  });
});
after(() => t.close());

const report = (id: string, key: string) =>
  t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(key) });

describe('GET /v1/subjects/{scheme}/{id}/report', () => {
  test(
    'a subject sees their whole file: score, grade, ' + 'factors, lists, measures, records and who checked them',
    async () => {
      const own = await t.keyFor({ role: 'subject', name: '王五', subject: `cn-rid:${listed}` });
      const response = await report(listed, own);
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.subject.name, '王五');
      assert.ok(body.score < 1000);
      assert.equal(body.factors[0].record_type, 'court.judgment_default');
      assert.equal(body.lists[0].list, 'judgment-defaulters');
      assert.ok(body.measures.some((m: { effect: string }) => m.effect === 'deny'));
      assert.equal(body.records.length, 1);
      assert.equal(body.records[0].legal_basis, 'Fa Shi [2013] 17 art. 1');
      assert.equal(body.records[0].status, 'active');
      const kinds = body.inquiries.map((i: { kind: string }) => i.kind);
      assert.ok(kinds.includes('decision'), 'the airline check is listed');
      // Reading the report is itself an inquiry; the subject's own reads are counted, not listed (issue 11).
      assert.ok(!kinds.includes('report'), 'the subject’s own reads are not listed');
      assert.ok(body.own_views >= 1, 'reading the report is itself an inquiry, counted');
      const decision = body.inquiries.find((i: { kind: string }) => i.kind === 'decision');
      assert.equal(decision.by.name, 'Air China');
      assert.equal(decision.purpose, 'ticketing');
      assert.equal(decision.outcome, 'deny');
    },
  );

  test("a subject key may not read another subject's file", async () => {
    const own = await t.keyFor({ role: 'subject', name: 'someone', subject: `cn-rid:${other}` });
    const response = await report(listed, own);
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'CRD_FORBIDDEN');
  });

  test('auditors read reports, and every read is logged', async () => {
    const before = await t.registry.rt.db
      .selectFrom('inquiries')
      .selectAll()
      .where('subject_value', '=', listed)
      .where('kind', '=', 'report')
      .execute();
    assert.equal((await report(listed, auditor)).statusCode, 200);
    const afterRead = await t.registry.rt.db
      .selectFrom('inquiries')
      .selectAll()
      .where('subject_value', '=', listed)
      .where('kind', '=', 'report')
      .execute();
    assert.equal(afterRead.length, before.length + 1);
  });

  test('relying services and agencies may not read reports', async () => {
    assert.equal((await report(listed, relying)).statusCode, 403);
    assert.equal((await report(listed, court)).statusCode, 403);
  });

  test('an unknown subject has an empty file that still shows who checked them', async () => {
    const unknown = aResidentId();
    await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: { subject: { scheme: 'cn-rid', id: unknown }, action: 'travel.air.premium_class', purpose: 'ticketing' },
    });
    const body = (await report(unknown, auditor)).json();
    assert.equal(body.subject.known, false);
    assert.equal(body.score, 1000);
    assert.deepEqual(body.records, []);
    assert.equal(body.inquiries.filter((i: { kind: string }) => i.kind === 'decision').length, 1);
  });
});
