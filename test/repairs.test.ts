import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { policyFromStore } from '../src/services/runtime/open-registry.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { aCourtRecord, aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { makeCommitment } from './support/commitments.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let market: string;
let otherMarket: string;
let government: string;
let operator: string;
let relying: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  otherMarket = await t.keyFor({ role: 'agency', name: 'Tianjin Market Regulator', agency_kind: 'market' });
  government = await t.keyFor({ role: 'agency', name: 'Beijing Government', agency_kind: 'government' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
});
after(() => t.close());

/** A company with a penalty of `tier` filed by the market regulator, and its own subject key. */
async function aPenalisedCompany(
  tier: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; recordId: string; key: string }> {
  const id = anUscc();
  const recordId = await t.file(market, aPenalty({ tier, subjectId: id, ...extra }));
  const key = await t.keyFor({ role: 'subject', name: 'company', subject: `cn-uscc:${id}` });
  await makeCommitment(t, key, `cn-uscc:${id}`); // NDRC Order No. 36 (2025): repair needs one
  return { id, recordId, key };
}

const post = (url: string, key: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
const get = async (url: string, key: string) => (await t.app.inject({ url, headers: bearer(key) })).json();
const apply = (recordId: string, key: string, extra: Record<string, unknown> = {}) =>
  post(`/v1/records/${recordId}/repairs`, key, {
    evidence: 'Fine paid in full; compliance officer appointed',
    ...extra,
  });
const decide = (
  repairId: string,
  key: string,
  approve: boolean,
  reason = approve ? 'obligations met' : 'no proof of payment',
) => post(`/v1/repairs/${repairId}/decision`, key, { approve, reason });
const errorCode = async (response: Promise<{ json(): { error?: { code: string } } }>) =>
  (await response).json().error?.code;

/** Runs `body` with the clock moved to `at`, then puts it back. */
async function at(when: Date, body: () => Promise<void>): Promise<void> {
  const start = t.now;
  t.now = when;
  try {
    await body();
  } finally {
    t.now = start;
  }
}

describe('applying for credit repair', () => {
  test('only negative records can be repaired', async () => {
    const id = aResidentId();
    const recordId = await t.file(government, {
      source_ref: `award-${id}`,
      type: 'commendation.government',
      subject: { kind: 'person', scheme: 'cn-rid', id, name: '李四' },
      decided_at: '2026-10-01',
      legal_basis: 'Guo Fa [2016] 33',
      document_ref: '京政表〔2026〕1号',
    });
    const response = await apply(recordId, operator);
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().error.code, 'CRD_REPAIR_NOT_NEGATIVE');
  });

  test('refused before the tier’s minimum period (general: 3 months from effect), accepted after', async () => {
    const company = await aPenalisedCompany('general');
    const early = await apply(company.recordId, company.key);
    assert.equal(early.statusCode, 422);
    assert.equal(early.json().error.code, 'CRD_REPAIR_TOO_EARLY');
    // Said as a date and a duration in words (issue 11), with the instant in its parameters.
    assert.match(early.json().error.message, /after 3 months from the decision: apply on or after 15 December 2026/);
    assert.match(early.json().error.params.eligible, /^2026-12-15/);
    await at(new Date('2026-12-15T00:00:00Z'), async () => {
      const response = await apply(company.recordId, company.key);
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().status, 'pending');
    });
  });

  test('minor records may be repaired at once; serious ones after a year', async () => {
    const minor = await aPenalisedCompany('minor');
    assert.equal((await apply(minor.recordId, minor.key)).statusCode, 201);
    const serious = await aPenalisedCompany('serious');
    assert.equal(await errorCode(apply(serious.recordId, serious.key)), 'CRD_REPAIR_TOO_EARLY');
    await at(new Date('2027-09-15T00:00:00Z'), async () => {
      assert.equal((await apply(serious.recordId, serious.key)).statusCode, 201);
    });
  });

  test('a judgment default may be repaired at any time, but only once the judgment is performed', async () => {
    const id = aResidentId();
    const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
    const key = await t.keyFor({ role: 'subject', name: 'debtor', subject: `cn-rid:${id}` });
    await makeCommitment(t, key, `cn-rid:${id}`);
    assert.equal(await errorCode(apply(recordId, key)), 'CRD_REPAIR_NOT_PERFORMED');
    assert.equal(
      (await apply(recordId, key, { performed: true, document_ref: 'bank receipt 2026-10-30' })).statusCode,
      201,
    );
  });

  test('one pending application per record; another subject cannot apply; an agency cannot apply', async () => {
    const company = await aPenalisedCompany('minor');
    assert.equal((await apply(company.recordId, company.key)).statusCode, 201);
    assert.equal(await errorCode(apply(company.recordId, company.key)), 'CRD_REPAIR_PENDING');
    const stranger = await t.keyFor({ role: 'subject', name: 'stranger', subject: `cn-uscc:${anUscc()}` });
    assert.equal(await errorCode(apply(company.recordId, stranger)), 'CRD_NOT_FOUND');
    assert.equal((await apply(company.recordId, market)).statusCode, 403);
  });
});

describe('deciding credit repair', () => {
  test(
    'approval ends a judgment default’s effect at once: ' +
      'the list, the measures, the score; the record stays, marked repaired',
    async () => {
      const id = aResidentId();
      const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
      const key = await t.keyFor({ role: 'subject', name: 'debtor', subject: `cn-rid:${id}` });
      await makeCommitment(t, key, `cn-rid:${id}`);
      const ask = async () =>
        (
          await post('/v1/decisions', relying, {
            subject: { scheme: 'cn-rid', id },
            action: 'travel.air.premium_class',
            purpose: 'ticketing',
          })
        ).json().outcome;
      assert.equal(await ask(), 'deny');
      const repairId = (await apply(recordId, key, { performed: true })).json().repair_id;
      const pending = (await get('/v1/repairs?status=pending', court)).repairs.map(
        (r: { repair_id: string }) => r.repair_id,
      );
      assert.ok(pending.includes(repairId));
      const response = await decide(repairId, court, true, 'performance confirmed by the enforcement bureau');
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().record.status, 'repaired');
      assert.equal(await ask(), 'allow');
      const report = await get(`/v1/subjects/cn-rid/${id}/report`, key);
      assert.equal(report.score, 1000);
      assert.deepEqual(report.lists, []);
      assert.equal(report.records[0].status, 'repaired');
      const entries = await t.registry.rt.db
        .selectFrom('list_entries')
        .select('list_id')
        .where('subject_id', '=', report.subject.id)
        .execute();
      assert.deepEqual(entries, []);
      const kinds = report.notices.map((n: { kind: string }) => n.kind);
      assert.ok(kinds.includes('record.repaired') && kinds.includes('list.ended'), kinds.join());
      assert.equal(await errorCode(decide(repairId, court, false)), 'CRD_REPAIR_DECIDED');
    },
  );

  test('a refused application can be made again with new evidence', async () => {
    const company = await aPenalisedCompany('minor');
    const first = (await apply(company.recordId, company.key)).json().repair_id;
    const refused = await decide(first, market, false);
    assert.equal(refused.json().repair.status, 'refused');
    assert.equal(refused.json().record.status, 'active');
    const notices = (await get(`/v1/subjects/cn-uscc/${company.id}/notices`, company.key)).notices;
    assert.match(notices.find((n: { kind: string }) => n.kind === 'repair.refused').what, /no proof of payment/);
    const second = await apply(company.recordId, company.key, {
      evidence: 'Bank receipt for the fine attached',
      document_ref: 'receipt 2026-11-01',
    });
    assert.equal(second.statusCode, 201);
    assert.notEqual(second.json().repair_id, first);
  });

  test('an agency cannot decide another agency’s repairs, nor see them', async () => {
    const company = await aPenalisedCompany('minor');
    const repairId = (await apply(company.recordId, company.key)).json().repair_id;
    assert.equal(await errorCode(decide(repairId, otherMarket, true)), 'CRD_NOT_FOUND');
    assert.deepEqual((await get('/v1/repairs', otherMarket)).repairs, []);
    assert.deepEqual(
      (await get('/v1/repairs', company.key)).repairs.map((r: { repair_id: string }) => r.repair_id),
      [repairId],
    );
    assert.equal((await get(`/v1/records/${company.recordId}`, operator)).status, 'active');
  });

  test('a record under dispute is repaired after the dispute, not during it', async () => {
    const company = await aPenalisedCompany('minor');
    const repairId = (await apply(company.recordId, company.key)).json().repair_id;
    const disputeId = (
      await post(`/v1/records/${company.recordId}/disputes`, company.key, { statement: 'the amount is wrong' })
    ).json().dispute_id;
    assert.equal(await errorCode(decide(repairId, market, true)), 'CRD_DISPUTE_OPEN');
    await post(`/v1/disputes/${disputeId}/resolution`, market, { outcome: 'upheld', reason: 'amount verified' });
    assert.equal((await decide(repairId, market, true)).json().record.status, 'repaired');
  });
});

test('a ledger replay rebuilds identical projections after repairs applied, refused and approved', async () => {
  const before = await t.snapshot();
  const statuses = new Set(before.repairs!.map((r) => (r as { status: string }).status));
  assert.deepEqual([...statuses].sort(), ['approved', 'pending', 'refused']);
  await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
  assert.deepEqual(await t.snapshot(), before);
});
