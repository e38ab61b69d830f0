import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addWorkingDays } from '../src/domain/repair.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { policyFromStore } from '../src/services/runtime/open-registry.ts';
import { aPenalty, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let market: string;
let court: string;
let operator: string;
let auditor: string;

before(async () => {
  t = await startTestRegistry();
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  auditor = await t.keyFor({ role: 'auditor', name: 'audit' });
});
after(() => t.close());

const post = (url: string, key: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
const get = (url: string, key: string) => t.app.inject({ url, headers: bearer(key) });
const PROMISE = 'We will file every tax return on time and keep our licences in order.';

/** A company with a minor penalty (repairable at once), and its own subject key. */
async function aPenalisedCompany(): Promise<{ id: string; url: string; recordId: string; key: string }> {
  const id = anUscc();
  const recordId = await t.file(market, aPenalty({ tier: 'minor', subjectId: id }));
  const key = await t.keyFor({ role: 'subject', name: 'company', subject: `cn-uscc:${id}` });
  return { id, url: `/v1/subjects/cn-uscc/${id}/commitments`, recordId, key };
}

const applyForRepair = (recordId: string, key: string) =>
  post(`/v1/records/${recordId}/repairs`, key, { evidence: 'Fine paid in full' });

/** Runs `body` with the clock at `at`, then puts it back. */
async function at(when: Date, body: () => Promise<void>): Promise<void> {
  const start = t.now;
  t.now = when;
  try {
    await body();
  } finally {
    t.now = start;
  }
}

describe('a credit commitment (NDRC Order No. 36 (2025); Guo Ban Fa [2019] 35)', () => {
  test('the subject makes one in their own words; it is on their file and readable, each read logged', async () => {
    const company = await aPenalisedCompany();
    const made = await post(company.url, company.key, { text: PROMISE });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().text, PROMISE);
    assert.equal(made.json().record_id, null);
    assert.equal(made.json().made_at, t.now.toISOString());

    const read = await get(company.url, market);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(
      read.json().commitments.map((c: { commitment_id: string }) => c.commitment_id),
      [made.json().commitment_id],
    );
    const report = (await get(`/v1/subjects/cn-uscc/${company.id}/report`, company.key)).json();
    assert.equal(report.commitments[0].text, PROMISE);
    assert.ok(
      report.inquiries.some((i: { purpose: string | null; by: { role: string } }) => i.purpose === 'commitments'),
      'the agency’s read of the commitments is an inquiry the subject sees',
    );
  });

  test('it is public with the subject’s public entry; it makes no subject with nothing public appear', async () => {
    const company = await aPenalisedCompany(); // a minor penalty: shared, not public
    await post(company.url, company.key, { text: PROMISE });
    const search = async (q: string) =>
      (await t.app.inject({ url: `/v1/public/search?q=${encodeURIComponent(q)}` })).json().results;
    assert.deepEqual(await search(company.id), [], 'a commitment alone makes nothing public');
    await t.file(market, aPenalty({ tier: 'serious', subjectId: company.id })); // published for organisations
    const [entry] = await search(company.id);
    assert.deepEqual(
      entry.commitments.map((c: { text: string }) => c.text),
      [PROMISE],
    );
  });

  test('only the subject, or an operator from their written commitment, may make one', async () => {
    const company = await aPenalisedCompany();
    const other = await aPenalisedCompany();
    const foreign = await post(company.url, other.key, { text: PROMISE });
    assert.equal(foreign.statusCode, 403);
    assert.equal((await post(company.url, market, { text: PROMISE })).statusCode, 403, 'an agency may not');
    assert.equal((await post(company.url, auditor, { text: PROMISE })).statusCode, 403, 'an auditor may not');
    const unsigned = await post(company.url, operator, { text: PROMISE });
    assert.equal(unsigned.statusCode, 400);
    assert.equal(unsigned.json().error.details[0].path, 'document_ref');
    const filed = await post(company.url, operator, { text: PROMISE, document_ref: '信用承诺书 2026-11-01' });
    assert.equal(filed.statusCode, 201);
    assert.equal(filed.json().document_ref, '信用承诺书 2026-11-01');
    assert.equal((await get(company.url, other.key)).statusCode, 403, 'another subject may not read them');
  });

  test('filed by an operator, the subject is told in a notice (English, Chinese); their own makes none', async () => {
    const company = await aPenalisedCompany();
    const notices = async (language: string) =>
      (
        await t.app.inject({
          url: `/v1/subjects/cn-uscc/${company.id}/notices`,
          headers: { ...bearer(operator), 'accept-language': language },
        })
      ).json().notices as { kind: string; what: string; record_id: string | null; legal_basis: string }[];
    const told = async (language = 'en') => (await notices(language)).filter((n) => n.kind === 'commitment.filed');
    await post(company.url, company.key, { text: PROMISE });
    assert.deepEqual(await told(), [], 'the subject knows of their own commitment');
    const filed = await post(company.url, operator, {
      text: PROMISE,
      document_ref: '信用承诺书 2026-11-02',
      record_id: company.recordId,
    });
    assert.equal(filed.statusCode, 201, filed.body);
    const [en] = await told();
    assert.equal(en?.record_id, company.recordId);
    assert.match(en!.what, /operator filed a public credit commitment in your name for the record “.+”, from your/);
    assert.match(en!.what, /written commitment \(信用承诺书 2026-11-02\)/);
    assert.match(en!.legal_basis, /Order No\. 36/);
    const [zh] = await told('zh-CN');
    assert.match(zh!.what, /根据您的书面信用承诺（信用承诺书 2026-11-02），以您的名义就记录“.+”登记了一项公开信用承诺/);
    await post(company.url, operator, { text: PROMISE, document_ref: '信用承诺书 2026-11-03' });
    const atLarge = (await told()).find((n) => n.record_id === null);
    assert.match(atLarge!.what, /in your name, from your written commitment \(信用承诺书 2026-11-03\)/);
  });

  test('text with control characters, empty text and a record of someone else are refused', async () => {
    const company = await aPenalisedCompany();
    const other = await aPenalisedCompany();
    const control = await post(company.url, company.key, { text: 'we promise\u0000' });
    assert.equal(control.statusCode, 400);
    assert.equal(control.json().error.details[0].path, 'body.text');
    assert.equal((await post(company.url, company.key, { text: '   ' })).statusCode, 400);
    const foreign = await post(company.url, company.key, { text: PROMISE, record_id: other.recordId });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().error.code, 'CRD_NOT_FOUND');
  });
});

describe('credit repair needs a public credit commitment (NDRC Order No. 36 (2025))', () => {
  test('refused with CRD_COMMITMENT_REQUIRED without one; allowed with one, which the application names', async () => {
    const company = await aPenalisedCompany();
    const refused = await applyForRepair(company.recordId, company.key);
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.code, 'CRD_COMMITMENT_REQUIRED');
    const commitment = (await post(company.url, company.key, { text: PROMISE, record_id: company.recordId })).json();
    const applied = await applyForRepair(company.recordId, company.key);
    assert.equal(applied.statusCode, 201, applied.body);
    assert.equal(applied.json().commitment_id, commitment.commitment_id);
    assert.equal(applied.json().commitment_text, PROMISE, 'the agency reads the words it rests on');
  });

  test('a commitment for another record, or made before the decision, does not count', async () => {
    const id = anUscc();
    const key = await t.keyFor({ role: 'subject', name: 'company', subject: `cn-uscc:${id}` });
    const url = `/v1/subjects/cn-uscc/${id}/commitments`;
    const first = await t.file(market, aPenalty({ tier: 'minor', subjectId: id }));
    await post(url, key, { text: PROMISE, record_id: first });
    await post(url, key, { text: PROMISE }); // before the next record's decision
    await at(new Date('2026-11-12T00:00:00Z'), async () => {
      const later = await t.file(market, aPenalty({ tier: 'minor', subjectId: id, decided_at: '2026-11-10' }));
      assert.equal((await applyForRepair(later, key)).json().error.code, 'CRD_COMMITMENT_REQUIRED');
      await post(url, key, { text: PROMISE });
      assert.equal((await applyForRepair(later, key)).statusCode, 201, 'a general commitment after the decision');
    });
  });

  test('an operator applies for a subject once the subject’s written commitment is filed', async () => {
    const id = aResidentId();
    const recordId = await t.file(market, aPenalty({ tier: 'minor', kind: 'person', subjectId: id }));
    assert.equal((await applyForRepair(recordId, operator)).json().error.code, 'CRD_COMMITMENT_REQUIRED');
    await post(`/v1/subjects/cn-rid/${id}/commitments`, operator, { text: PROMISE, document_ref: 'letter 17' });
    assert.equal((await applyForRepair(recordId, operator)).statusCode, 201);
  });
});

describe('repair decision deadline (NDRC Order No. 36 (2025): 10 working days)', () => {
  test('every application has a due_at 10 working days on, shown to the agency and overdue once passed', async () => {
    const { policy } = t.registry.rt;
    assert.equal(policy.repair.decision?.working_days, 10);
    assert.match(policy.repair.decision!.legal_basis.en, /Order No\. 36/);
    assert.match(policy.repair.decision!.legal_basis.zh, /第36号/);
    const friday = new Date('2026-11-06T02:00:00Z');
    await at(friday, async () => {
      const company = await aPenalisedCompany();
      await post(company.url, company.key, { text: PROMISE });
      const repair = (await applyForRepair(company.recordId, company.key)).json();
      const due = addWorkingDays(friday, 10, { holidays: [], working_weekends: [] });
      assert.equal(due.toISOString(), '2026-11-20T02:00:00.000Z', 'two weeks of weekdays');
      assert.equal(repair.due_at, due.toISOString());
      const queue = async () =>
        (await get('/v1/repairs?status=pending', market))
          .json()
          .repairs.find((r: { repair_id: string }) => r.repair_id === repair.repair_id);
      assert.equal((await queue()).overdue, false);
      assert.equal((await queue()).commitment_text, PROMISE);
      const report = (await get(`/v1/subjects/cn-uscc/${company.id}/report`, company.key)).json();
      const record = report.records.find((r: { id: string }) => r.id === company.recordId);
      assert.equal(record.repair.due_at, due.toISOString(), 'the subject’s file shows the deadline');
      t.now = due;
      assert.equal((await queue()).overdue, true);
    });
  });
});

describe('a breach of a commitment is itself a negative record (Guo Ban Fa [2019] 35 (1))', () => {
  test('a court or agency files commitment.breach naming the commitment; it lowers the score', async () => {
    const company = await aPenalisedCompany();
    const commitment = (await post(company.url, company.key, { text: PROMISE })).json();
    const report = async () => (await get(`/v1/subjects/cn-uscc/${company.id}/report`, company.key)).json();
    const before = (await report()).score;
    await t.file(court, {
      source_ref: `breach-${company.id}`,
      type: 'commitment.breach',
      subject: { kind: 'organization', scheme: 'cn-uscc', id: company.id, name: '北京某某科技有限公司' },
      decided_at: '2026-10-20',
      legal_basis: 'Guo Ban Fa [2019] 35 (1)',
      document_ref: '(2026)京0108执99号',
      attributes: { commitment: commitment.commitment_id },
    });
    const afterBreach = await report();
    assert.equal(afterBreach.score, before - 30);
    assert.ok(afterBreach.factors.some((f: { record_type: string }) => f.record_type === 'commitment.breach'));
  });

  test('a breach must name a commitment its subject made', async () => {
    const company = await aPenalisedCompany();
    const other = await aPenalisedCompany();
    const othersCommitment = (await post(other.url, other.key, { text: PROMISE })).json().commitment_id;
    const filed = await post('/v1/records', market, {
      records: ['no-such-commitment', othersCommitment].map((commitment, i) => ({
        source_ref: `breach-${company.id}-${i}`,
        type: 'commitment.breach',
        subject: { kind: 'organization', scheme: 'cn-uscc', id: company.id, name: '北京某某科技有限公司' },
        decided_at: '2026-10-20',
        legal_basis: 'Guo Ban Fa [2019] 35 (1)',
        document_ref: `京市监罚〔2026〕9${i}号`,
        attributes: { commitment },
      })),
    });
    assert.deepEqual(filed.json().accepted, []);
    const problems = filed.json().rejected.map((r: { errors: { code: string; path: string }[] }) => r.errors[0]!);
    assert.deepEqual(
      problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`),
      ['CRD_INVALID_ATTRIBUTE attributes.commitment', 'CRD_INVALID_ATTRIBUTE attributes.commitment'],
    );
  });
});

test('a ledger replay rebuilds the commitments exactly', async () => {
  const company = await aPenalisedCompany();
  await post(company.url, company.key, { text: PROMISE, record_id: company.recordId });
  const before = await t.snapshot();
  assert.ok(before.commitments!.length > 0);
  await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
  assert.deepEqual(await t.snapshot(), before);
});
