/**
 * The law in force (issue 10, rules 1 and 6), one describe per rule: serious-dishonesty listing is a decision
 * (Guo Ban Fa [2020] 49 (6)-(8); NDRC Order No. 36 (2025) art. 4; SAMR Order No. 44; SAT Order No. 54), and tax
 * grades follow SAT Announcement 2025 No. 12 (a direct D for 2 years, A and D published, C a management grade, the
 * green channel after three A years, arrears public for organisations and ended on payment).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { isRecordPublic } from '../src/domain/disclosure.ts';
import { addDuration } from '../src/domain/duration.ts';
import { evaluateSubject, recordWindow } from '../src/domain/evaluate.ts';
import { resolveRecordTerms, type Policy } from '../src/domain/policy.ts';
import type { CreditRecord } from '../src/domain/record.ts';
import { checkRepairEligibility } from '../src/domain/repair.ts';
import { loadPolicy, readPolicyFiles, validatePolicyDocument } from '../src/policy/index.ts';
import { makeCommitment } from './support/commitments.ts';
import { aListingDecision, aPenalty, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const DAY = 86_400_000;
const DECIDED = new Date('2026-03-01T00:00:00Z');
const FILED = new Date('2026-03-05T00:00:00Z');

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

let nextId = 0;
function aRecord(
  type: string,
  attributes: Record<string, string>,
  overrides: Partial<CreditRecord> = {},
): CreditRecord {
  nextId += 1;
  return {
    id: String(nextId),
    subject_id: '1',
    agency_id: 'agency',
    type,
    source_ref: `r${nextId}`,
    decided_at: DECIDED,
    effective_at: DECIDED,
    expires_at: null,
    filed_at: FILED,
    legal_basis: 'basis',
    document_ref: 'doc',
    summary: null,
    attributes,
    status: 'active',
    ...overrides,
  };
}

const organization = (...records: CreditRecord[]) => ({ kind: 'organization' as const, records });
const listsOf = (records: CreditRecord[], at: Date) =>
  evaluateSubject(policy, organization(...records), at).lists.map((m) => m.list);

describe('serious-dishonesty listing is a decision (Guo Ban Fa [2020] 49 (6)-(8); NDRC Order No. 36 art. 4)', () => {
  test('a serious penalty alone no longer lists, nor a tax grade D, nor a licence revocation', () => {
    const grounds = [
      aRecord('admin.penalty', { tier: 'serious' }),
      aRecord('tax.credit_grade', { grade: 'D', assessment: 'direct' }),
      aRecord('license.revocation', {}),
    ];
    const later = new Date(FILED.getTime() + 60 * DAY);
    const evaluation = evaluateSubject(policy, organization(...grounds), later);
    assert.deepEqual(evaluation.lists, []);
    assert.ok(evaluation.score < policy.scoring.base, 'the records still count as records');
    assert.deepEqual(
      evaluation.measures.filter((m) => m.effect === 'deny' || m.effect === 'restrict'),
      [],
    );
    assert.deepEqual(policy.lists.get('serious-dishonesty')?.criteria, [{ record_type: 'listing.serious_dishonesty' }]);
  });

  test('a listing decision lists after its notice days (30: FAR 9.406-3(c)), for 3 years from decided_at', () => {
    const list = policy.lists.get('serious-dishonesty')!;
    assert.equal(list.notice_days, 30);
    const decision = aRecord('listing.serious_dishonesty', { basis: 'sat_major_tax_violation' });
    const pending = evaluateSubject(policy, organization(decision), new Date(FILED.getTime() + 29 * DAY));
    const membership = pending.lists.find((m) => m.list === 'serious-dishonesty')!;
    assert.equal(membership.status, 'pending');
    assert.equal(membership.effective_from.toISOString(), new Date(FILED.getTime() + 30 * DAY).toISOString());
    assert.equal(membership.until.toISOString(), addDuration(DECIDED, 'P3Y').toISOString(), 'from the decision');
    assert.deepEqual(pending.measures, [], 'no measure during the notice period');
    const active = evaluateSubject(policy, organization(decision), membership.effective_from);
    assert.equal(active.lists[0]?.status, 'active');
    assert.deepEqual(active.lists[0]?.records, [decision.id]);
    assert.ok(active.measures.some((m) => m.id === 'serious-dishonesty.procurement' && m.effect === 'deny'));
    assert.deepEqual(listsOf([decision], addDuration(DECIDED, 'P3Y')), [], 'ends after 3 years');
    assert.equal(
      resolveRecordTerms(policy.record_types.get('listing.serious_dishonesty')!, decision.attributes).points,
      0,
    );
  });

  test('the basis comes from a published enumeration, labelled in both languages; the exit route names both', () => {
    const basis = policy.record_types.get('listing.serious_dishonesty')!.attributes.basis!;
    assert.equal(basis.required, true);
    assert.deepEqual(basis.enum, ['samr_serious_violation', 'sat_major_tax_violation']);
    assert.match(basis.labels!.samr_serious_violation!.en, /SAMR Order No\. 44/);
    assert.match(basis.labels!.sat_major_tax_violation!.zh, /国家税务总局令第54号/);
    const exit = policy.lists.get('serious-dishonesty')!.exit;
    assert.match(exit.en, /SAMR Order No\. 44.*SAT Order No\. 54.*30\s+days/s);
    assert.match(exit.zh, /三十日内不实施任何惩戒措施/);
  });
});

describe('serious-dishonesty listing is a decision: POST /v1/records', () => {
  let t: TestRegistry;
  let market: string;
  let court: string;
  let buyer: string;
  before(async () => {
    t = await startTestRegistry();
    market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
    court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
    buyer = await t.keyFor({
      role: 'relying',
      name: 'Procurement Centre',
      actions: ['procurement.bid'],
      purposes: ['procurement'],
    });
  });
  after(() => t.close());

  const post = (key: string, records: unknown[]) =>
    t.app.inject({ method: 'POST', url: '/v1/records', headers: bearer(key), payload: { records } });
  const bid = async (id: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/v1/decisions',
        headers: bearer(buyer),
        payload: { subject: { scheme: 'cn-uscc', id }, action: 'procurement.bid', purpose: 'procurement' },
      })
    ).json().outcome;

  test('a serious penalty alone no longer lists: the procurement bid is allowed', async () => {
    const org = anUscc();
    await t.file(market, aPenalty({ tier: 'serious', subjectId: org }));
    assert.equal(await bid(org), 'allow');
  });

  test('only the competent agency files a decision, and only on a published basis (coded errors)', async () => {
    const response = await post(court, [aListingDecision()]);
    assert.equal(response.json().rejected[0].errors[0].code, 'CRD_RECORD_TYPE_NOT_GRANTED');
    const noBasis = await post(market, [aListingDecision({ attributes: {} })]);
    assert.equal(noBasis.json().rejected[0].errors[0].path, 'attributes.basis');
    const unknown = await post(market, [aListingDecision({ basis: 'blacklisted_by_rumour' })]);
    assert.equal(unknown.json().rejected[0].errors[0].path, 'attributes.basis');
  });

  test('a listing decision lists after its notice days: allowed for 30 days, then denied', async () => {
    const org = anUscc();
    await t.file(market, aListingDecision({ subjectId: org }));
    assert.equal(await bid(org), 'allow', 'pending: the notice period has not run out');
    const { reevaluateAllDue } = await import('../src/services/ledger/reevaluation.service.ts');
    const start = t.now;
    try {
      t.now = new Date(start.getTime() + 30 * DAY);
      await reevaluateAllDue(t.registry.rt);
      await t.registry.follower.catchUp();
      assert.equal(await bid(org), 'deny');
    } finally {
      t.now = start;
    }
  });
});

describe('tax grades follow SAT Announcement 2025 No. 12', () => {
  test('a tax D lasts 2 years from decided_at when given directly, 1 year when scored', () => {
    const type = policy.record_types.get('tax.credit_grade')!;
    const late = { effective_at: new Date('2026-06-01T00:00:00Z') };
    const direct = aRecord('tax.credit_grade', { grade: 'D', assessment: 'direct' }, late);
    assert.equal(recordWindow(type, direct).end.toISOString(), '2028-03-01T00:00:00.000Z');
    const scored = aRecord('tax.credit_grade', { grade: 'D' }, late);
    assert.equal(recordWindow(type, scored).end.toISOString(), '2027-03-01T00:00:00.000Z');
    const file = organization(direct);
    assert.ok(evaluateSubject(policy, file, new Date('2028-02-29T00:00:00Z')).score < policy.scoring.base);
    assert.equal(evaluateSubject(policy, file, new Date('2028-03-01T00:00:00Z')).score, policy.scoring.base);
  });

  test('the A and D grades are public for organisations; B and C are not', () => {
    const at = new Date('2026-04-01T00:00:00Z');
    const publicGrade = (g: string) =>
      isRecordPublic(policy, 'organization', aRecord('tax.credit_grade', { grade: g }), at);
    assert.deepEqual(['A', 'B', 'M', 'C', 'D'].map(publicGrade), [true, false, false, false, true]);
  });

  test('C is a management grade, not dishonesty: no points, no list, not repairable', () => {
    const c = aRecord('tax.credit_grade', { grade: 'C' });
    const terms = resolveRecordTerms(policy.record_types.get('tax.credit_grade')!, c.attributes);
    assert.deepEqual([terms.tier, terms.points], ['positive', 0]);
    const evaluation = evaluateSubject(policy, organization(c), new Date('2026-04-01T00:00:00Z'));
    assert.deepEqual([evaluation.score, evaluation.lists], [policy.scoring.base, []]);
    assert.equal(checkRepairEligibility(policy, c, false, new Date())?.code, 'CRD_REPAIR_NOT_NEGATIVE');
  });

  test('the green channel needs three consecutive A years', () => {
    const at = new Date('2026-04-01T00:00:00Z');
    const a = (year: string, overrides: Partial<CreditRecord> = {}) =>
      aRecord('tax.credit_grade', { grade: 'A', year }, overrides);
    const past = (year: number) => ({
      status: 'expired' as const,
      decided_at: new Date(`${year + 1}-03-01T00:00:00Z`),
      effective_at: new Date(`${year + 1}-03-01T00:00:00Z`),
    });
    const greenChannel = (records: CreditRecord[]) =>
      evaluateSubject(policy, organization(...records), at).measures.some((m) =>
        m.actions.includes('tax.green_channel'),
      );
    const run = [a('2023', past(2023)), a('2024', past(2024)), a('2025')];
    assert.equal(greenChannel(run), true);
    const membership = evaluateSubject(policy, organization(...run), at).lists.find(
      (m) => m.list === 'tax-grade-a-three-years',
    );
    assert.deepEqual(membership?.records, [run[2]!.id], 'the membership rests on the latest grade');
    assert.equal(greenChannel([a('2024', past(2024)), a('2025')]), false, 'two years are not three');
    assert.equal(greenChannel([a('2022', past(2022)), a('2024', past(2024)), a('2025')]), false, 'a gap');
    const b2024 = aRecord('tax.credit_grade', { grade: 'B', year: '2024' }, past(2024));
    assert.equal(greenChannel([a('2023', past(2023)), b2024, a('2025')]), false, 'a B year breaks the run');
    const revoked = a('2024', { ...past(2024), status: 'revoked' });
    assert.equal(greenChannel([a('2023', past(2023)), revoked, a('2025')]), false, 'a revoked grade is no year');
    assert.equal(greenChannel([a('2023', past(2023)), a('2024', past(2024)), a('')]), false, 'no year, no run');
    const red = evaluateSubject(policy, organization(a('2025')), at);
    assert.ok(
      red.lists.some((m) => m.list === 'red-list'),
      'one A year still earns the red list',
    );
  });

  test('the loader refuses a run of years counted on a record type without a year', async () => {
    const files = await readPolicyFiles('policies/default');
    const doc = Object.assign({}, ...files.map((file) => parse(file.text) as Record<string, any>));
    assert.deepEqual(validatePolicyDocument(doc).problems, [], 'the default policy is valid');
    doc.lists['tax-grade-a-three-years'].criteria[0].record_type = 'commendation.government';
    delete doc.lists['tax-grade-a-three-years'].criteria[0].where;
    const problems = validatePolicyDocument(doc).problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [['CRD_POLICY_INVALID', 'lists["tax-grade-a-three-years"].criteria[0].consecutive_years']],
    );
    assert.match(problems[0]!.message, /must declare a "year" attribute/);
  });
});

describe('tax arrears are public for organisations and end on payment (Tax Collection Law art. 45)', () => {
  test('public for an organisation, shared for a person', () => {
    const at = new Date('2026-04-01T00:00:00Z');
    const arrears = aRecord('tax.arrears', { amount_cny: '1000.00' });
    assert.equal(isRecordPublic(policy, 'organization', arrears, at), true);
    assert.equal(isRecordPublic(policy, 'person', arrears, at), false);
  });

  test('repairable at once on payment, never before', () => {
    const arrears = aRecord('tax.arrears', {});
    const now = new Date(DECIDED.getTime() + DAY);
    assert.equal(checkRepairEligibility(policy, arrears, false, now)?.code, 'CRD_REPAIR_NOT_PERFORMED');
    assert.equal(checkRepairEligibility(policy, arrears, true, now), null);
  });

  describe('over HTTP', () => {
    let t: TestRegistry;
    let tax: string;
    before(async () => {
      t = await startTestRegistry();
      tax = await t.keyFor({ role: 'agency', name: 'Haidian Tax Bureau', agency_kind: 'tax' });
    });
    after(() => t.close());

    test('tax arrears end on payment: the tax authority approves the repair, the record stops counting', async () => {
      const org = anUscc();
      const recordId = await t.file(tax, {
        source_ref: `arrears-${org}`,
        type: 'tax.arrears',
        subject: { kind: 'organization', scheme: 'cn-uscc', id: org, name: '北京某某贸易有限公司' },
        decided_at: '2026-10-01',
        legal_basis: 'Tax Collection Law art. 45',
        document_ref: '京税欠告〔2026〕1号',
        attributes: { amount_cny: '52000.00' },
      });
      const key = await t.keyFor({ role: 'subject', name: 'company', subject: `cn-uscc:${org}` });
      await makeCommitment(t, key, `cn-uscc:${org}`);
      const report = async () =>
        (await t.app.inject({ url: `/v1/subjects/cn-uscc/${org}/report`, headers: bearer(key) })).json();
      assert.ok((await report()).score < 1000);
      const apply = (payload: Record<string, unknown>) =>
        t.app.inject({ method: 'POST', url: `/v1/records/${recordId}/repairs`, headers: bearer(key), payload });
      const unpaid = await apply({ evidence: 'We will pay next month' });
      assert.equal(unpaid.json().error.code, 'CRD_REPAIR_NOT_PERFORMED');
      const paid = await apply({ evidence: 'Paid in full', performed: true, document_ref: 'tax receipt 2026-10-20' });
      assert.equal(paid.statusCode, 201, paid.body);
      const decided = await t.app.inject({
        method: 'POST',
        url: `/v1/repairs/${paid.json().repair_id}/decision`,
        headers: bearer(tax),
        payload: { approve: true, reason: 'payment confirmed' },
      });
      assert.equal(decided.statusCode, 200, decided.body);
      const after = await report();
      assert.equal(after.records[0].status, 'repaired');
      assert.equal(after.score, 1000);
    });
  });
});
