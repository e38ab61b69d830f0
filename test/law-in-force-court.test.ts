/**
 * The law in force (issue 10), the court list and the restrictions on high consumption, one test per rule:
 * a court extends a listing by 1 to 3 years within the list's maximum (Fa Shi [2013] 17 as amended by
 * Fa Shi [2017] 7, art. 2); a debtor able to perform but refusing stays listed until performance, capped, and
 * told so; a deletion on a ground of art. 10 is due within 3 working days, tracked like a dispute's deadline;
 * every item of Fa Shi [2015] 17 art. 3 is denied to a listed debtor.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decideAction } from '../src/domain/decide.ts';
import { addDuration } from '../src/domain/duration.ts';
import { evaluateSubject, extensionYears, recordWindow } from '../src/domain/evaluate.ts';
import type { Policy } from '../src/domain/policy.ts';
import type { CreditRecord } from '../src/domain/record.ts';
import { addWorkingDays, repairDueAt } from '../src/domain/repair.ts';
import { loadPolicy, validatePolicyDocument } from '../src/policy/index.ts';
import { expireDueRecords } from '../src/services/due-process/expiry.service.ts';
import { makeCommitment } from './support/commitments.ts';
import { aCourtRecord, anUscc, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let policy: Policy;
let t: TestRegistry;
let court: string;
let otherCourt: string;
let market: string;
before(async () => {
  policy = await loadPolicy('policies/default');
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  otherCourt = await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
});
after(() => t.close());

const DECIDED = new Date('2024-03-01T00:00:00Z');

function aRecord(overrides: Partial<CreditRecord> = {}): CreditRecord {
  return {
    id: '1',
    subject_id: '1',
    agency_id: 'haidian-court',
    type: 'court.judgment_default',
    source_ref: 'r1',
    decided_at: DECIDED,
    effective_at: DECIDED,
    expires_at: null,
    filed_at: DECIDED,
    legal_basis: 'Fa Shi [2013] 17',
    document_ref: 'doc',
    summary: null,
    attributes: { criterion: 'obstructs_enforcement' },
    status: 'active',
    ...overrides,
  };
}

const anExtension = (id: string, years: string, overrides: Partial<CreditRecord> = {}) =>
  aRecord({ id, type: 'court.listing_extension', attributes: { listing: '1', years }, ...overrides });

const post = (url: string, key: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as Record<string, unknown> });
const get = async (url: string, key: string) => (await t.app.inject({ url, headers: bearer(key) })).json();

/** Files `record` with `key`; the answer's first accepted id, or the first rejection's code. */
async function fileOne(key: string, record: Record<string, unknown>): Promise<{ id?: string; code?: string }> {
  const body = (await post('/v1/records', key, { records: [record] })).json();
  return { id: body.accepted?.[0]?.record_id, code: body.rejected?.[0]?.errors?.[0]?.code };
}

async function reportOf(kind: 'person' | 'organization', id: string) {
  const scheme = kind === 'person' ? 'cn-rid' : 'cn-uscc';
  const key = await t.keyFor({ role: 'subject', name: 'debtor', subject: `${scheme}:${id}` });
  return { key, report: await get(`/v1/subjects/${scheme}/${id}/report`, key) };
}

describe('a court extends a listing by 1 to 3 years, within the list’s maximum (Fa Shi [2017] 7 art. 2)', () => {
  test('an extension lengthens the listing within the cap', () => {
    const type = policy.record_types.get('court.judgment_default')!;
    const listing = aRecord();
    const end = (records: CreditRecord[]) =>
      recordWindow(type, listing, undefined, extensionYears(policy, records).get('1')).end.toISOString();
    assert.equal(end([listing]), '2026-03-01T00:00:00.000Z', 'art. 2: 2 years');
    assert.equal(end([listing, anExtension('2', '2')]), '2028-03-01T00:00:00.000Z', 'extended by 2 years');
    assert.equal(end([listing, anExtension('2', '3'), anExtension('3', '3')]), '2029-03-01T00:00:00.000Z', 'P5Y');
    assert.equal(end([listing, anExtension('2', '2', { status: 'revoked' })]), '2026-03-01T00:00:00.000Z');
    const other = anExtension('2', '2', { subject_id: '9' });
    assert.equal(end([listing, other]), '2026-03-01T00:00:00.000Z', 'another subject’s extension extends nothing');
    const now = new Date('2027-01-01T00:00:00Z');
    const file = (records: CreditRecord[]) => evaluateSubject(policy, { kind: 'person', records }, now);
    assert.equal(file([listing]).lists.length, 0, 'the 2-year term is over');
    const [membership] = file([listing, anExtension('2', '2')]).lists;
    assert.equal(membership?.list, 'judgment-defaulters');
    assert.equal(membership?.until.toISOString(), '2028-03-01T00:00:00.000Z');
    assert.deepEqual(membership?.records, ['1'], 'the extension lists no one by itself');
  });

  test('the loader refuses an extension of an unknown type or without whole years', () => {
    const refused = (change: (types: Record<string, any>) => void) => {
      const document = structuredClone(policyDocument);
      change(document.record_types);
      return validatePolicyDocument(document).problems.map((p) => p.path);
    };
    assert.deepEqual(
      refused(() => {}),
      [],
    );
    assert.deepEqual(
      refused((types) => {
        types['court.listing_extension'].extends = 'court.nothing';
      }),
      ['record_types["court.listing_extension"].extends'],
    );
    assert.deepEqual(
      refused((types) => {
        types['court.listing_extension'].attributes.years.enum = ['1', '2', '3', 'one'];
        types['court.listing_extension'].attributes.years.labels.one = { en: 'one', zh: '一' };
      }),
      ['record_types["court.listing_extension"].attributes.years.enum[3]'],
    );
  });

  test('filed over the API, an extension lengthens the listing in the report, and expiry waits for it', async () => {
    const id = aResidentId();
    const listing = (await fileOne(court, aCourtRecord({ subjectId: id, criterion: 'obstructs_enforcement' }))).id!;
    const extension = (years: string, listingId = listing, subjectId = id) =>
      aCourtRecord({ subjectId, type: 'court.listing_extension', attributes: { listing: listingId, years } });
    assert.equal((await fileOne(otherCourt, extension('2'))).code, 'CRD_EXTENSION_INVALID', 'another court');
    assert.equal((await fileOne(court, extension('2', '999999999'))).code, 'CRD_EXTENSION_INVALID');
    assert.equal((await fileOne(court, extension('4'))).code, 'CRD_INVALID_ATTRIBUTE', '1 to 3 years');
    assert.equal(
      (await fileOne(court, extension('1', listing, aResidentId()))).code,
      'CRD_EXTENSION_INVALID',
      'another subject',
    );
    assert.ok((await fileOne(court, extension('2'))).id);
    const { report } = await reportOf('person', id);
    const filed = report.records.find((r: { id: string }) => r.id === listing);
    assert.equal(filed.counts_until, '2030-10-01T00:00:00.000Z', 'decided 2026-10-01: 2 years and 2 more');
    assert.equal(report.lists[0].until, '2030-10-01T00:00:00.000Z');
    const start = t.now;
    t.now = new Date('2029-01-01T00:00:00Z');
    try {
      await expireDueRecords(t.registry.rt);
      const later = (await reportOf('person', id)).report;
      assert.equal(later.records.find((r: { id: string }) => r.id === listing).status, 'active');
      assert.equal(later.lists[0]?.list, 'judgment-defaulters');
    } finally {
      t.now = start;
    }
  });
});

describe('able_but_refuses runs until performance, capped by max_duration (Fa Shi [2017] 7 arts. 1(1), 10)', () => {
  test('able_but_refuses lasts until performance and is capped with the notice saying so', async () => {
    const type = policy.record_types.get('court.judgment_default')!;
    const refusing = aRecord({ attributes: { criterion: 'able_but_refuses' } });
    assert.equal(recordWindow(type, refusing).end.toISOString(), addDuration(DECIDED, 'P5Y').toISOString());
    const lateOn = new Date('2028-12-31T00:00:00Z');
    assert.equal(evaluateSubject(policy, { kind: 'person', records: [refusing] }, lateOn).lists.length, 1);
    const capped = evaluateSubject(policy, { kind: 'person', records: [refusing] }, new Date('2029-03-01T00:00:00Z'));
    assert.equal(capped.lists.length, 0, 'never past the 5-year maximum');

    const id = aResidentId();
    await fileOne(court, aCourtRecord({ subjectId: id, criterion: 'able_but_refuses' }));
    const { report } = await reportOf('person', id);
    const filed = report.notices.find((n: { kind: string }) => n.kind === 'record.filed');
    assert.ok(filed, 'a record.filed notice');
    // Decided 2026-10-01: the notice names the day the 5-year maximum ends, after which the court must renew.
    assert.match(JSON.stringify(filed), /2031-10-01/);
    const term = aCourtRecord({ subjectId: aResidentId(), criterion: 'obstructs_enforcement' });
    const subject = (term.subject as { id: string }).id;
    await fileOne(court, term);
    const withTerm = (await reportOf('person', subject)).report;
    const termNotice = withTerm.notices.find((n: { kind: string }) => n.kind === 'record.filed');
    assert.doesNotMatch(JSON.stringify(termNotice), /2031-10-01/, 'a listing with a term says nothing of renewal');
  });
});

describe('deletion on a ground of art. 10 within 3 working days (Fa Shi [2017] 7 art. 10)', () => {
  test('a deletion ground is tracked with its 3-working-day deadline', async () => {
    const friday = new Date('2026-11-06T02:00:00Z');
    const calendar = { holidays: [], working_weekends: [] };
    assert.equal(addWorkingDays(friday, 3, calendar).toISOString(), '2026-11-11T02:00:00.000Z', 'Fri to Wed');
    const golden = { holidays: ['2026-11-09'], working_weekends: ['2026-11-07'] };
    assert.equal(addWorkingDays(friday, 3, golden).toISOString(), '2026-11-11T02:00:00.000Z', 'Sat worked, Mon off');
    // A penalty has no deletion deadline: its application is due within NDRC Order No. 36's 10 working days.
    assert.equal(repairDueAt(policy, 'admin.penalty', friday)?.toISOString(), '2026-11-20T02:00:00.000Z');

    const id = aResidentId();
    const start = t.now;
    t.now = friday;
    try {
      const listing = (await fileOne(court, aCourtRecord({ subjectId: id, decided_at: '2026-11-02' }))).id!;
      const { key } = await reportOf('person', id);
      await makeCommitment(t, key, `cn-rid:${id}`);
      const applied = await post(`/v1/records/${listing}/repairs`, key, { evidence: 'paid in full', performed: true });
      assert.equal(applied.statusCode, 201);
      const repair = applied.json();
      assert.equal(repair.due_at, '2026-11-11T02:00:00.000Z');
      assert.equal(repair.overdue, false);
      const queue = async () =>
        (await get('/v1/repairs?status=pending', court)).repairs.find(
          (r: { repair_id: string }) => r.repair_id === repair.repair_id,
        );
      assert.equal((await queue()).due_at, '2026-11-11T02:00:00.000Z');
      t.now = new Date('2026-11-11T02:00:00Z');
      assert.equal((await queue()).overdue, true, 'due and undecided: overdue, as a dispute is');

      const decide = (body: Record<string, unknown>) => post(`/v1/repairs/${repair.repair_id}/decision`, court, body);
      const wrong = await decide({ approve: true, reason: 'paid', ground: 'good_behaviour' });
      assert.equal(wrong.statusCode, 422);
      assert.equal(wrong.json().error.code, 'CRD_DELETION_GROUND');
      assert.match(wrong.json().error.message, /art\. 10.*performed.*enforcement_terminated/);
      const done = await decide({ approve: true, reason: 'creditor asked in writing', ground: 'creditor_request' });
      assert.equal(done.statusCode, 200);
      assert.equal(done.json().record.status, 'repaired');
      assert.equal(done.json().repair.overdue, false, 'decided: no longer overdue');
      assert.deepEqual((await reportOf('person', id)).report.lists, [], 'deleted from the list');
    } finally {
      t.now = start;
    }
  });

  test('a ground is refused on a record type without deletion grounds', async () => {
    const id = anUscc();
    const recordId = (await fileOne(market, aPenalty({ tier: 'minor', subjectId: id }))).id!;
    const { key } = await reportOf('organization', id);
    await makeCommitment(t, key, `cn-uscc:${id}`);
    const repair = (await post(`/v1/records/${recordId}/repairs`, key, { evidence: 'fine paid' })).json();
    const weekdays = { holidays: [], working_weekends: [] };
    assert.equal(repair.due_at, addWorkingDays(t.now, 10, weekdays).toISOString(), 'NDRC Order No. 36: 10 days');
    const answer = await post(`/v1/repairs/${repair.repair_id}/decision`, market, {
      approve: true,
      reason: 'paid',
      ground: 'performed',
    });
    assert.equal(answer.json().error.code, 'CRD_DELETION_GROUND');
  });
});

describe('restrictions on high consumption (Fa Shi [2015] 17 art. 3)', () => {
  test('every art. 3 item is denied to a listed debtor', () => {
    const now = new Date('2024-06-01T00:00:00Z');
    const measures = policy.measures.filter((m) => m.list === 'judgment-defaulters' && m.effect === 'deny');
    for (const kind of ['person', 'organization'] as const) {
      const listed = evaluateSubject(policy, { kind, records: [aRecord()] }, now);
      for (let item = 1; item <= 9; item += 1) {
        const citing = measures.filter((m) => m.legal_basis.en.endsWith(`art. 3(${item})`));
        assert.equal(citing.length, 1, `one measure cites art. 3(${item})`);
        assert.match(citing[0]!.legal_basis.zh, new RegExp(`第三条第${'一二三四五六七八九'[item - 1]}项$`));
        for (const action of citing[0]!.actions) {
          assert.ok(policy.actions.get(action)?.name.zh, `${action} is named in both languages`);
          assert.equal(decideAction(listed.measures, action).outcome, 'deny', `${action} (${kind})`);
          assert.equal(
            decideAction(evaluateSubject(policy, { kind, records: [] }, now).measures, action).outcome,
            'allow',
          );
        }
      }
    }
    const denied = new Set(measures.flatMap((m) => m.actions));
    for (const action of [
      'travel.air',
      'travel.air.premium_class',
      'travel.rail.soft_sleeper',
      'travel.ship.second_class',
      'travel.rail.high_speed',
      'lodging.star_hotel',
      'leisure.nightclub',
      'leisure.golf',
      'property.purchase',
      'property.construction',
      'property.luxury_renovation',
      'office.premium_lease',
      'vehicle.purchase',
      'travel.leisure',
      'education.private_school_fees',
      'insurance.high_premium',
    ])
      assert.ok(denied.has(action), `${action} is denied`);
  });
});

let policyDocument: Record<string, any>;
before(async () => {
  const { readPolicyFiles } = await import('../src/policy/index.ts');
  const { parse } = await import('yaml');
  const files = await readPolicyFiles('policies/default');
  policyDocument = Object.assign({}, ...files.map((file) => parse(file.text) as Record<string, any>));
});
