import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { policyFromStore } from '../src/services/runtime/open-registry.ts';
import { getRecordAnnotations } from '../src/services/due-process/record-annotations.service.ts';
import { markOverdueDisputes } from '../src/services/due-process/disputes.service.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let otherCourt: string;
let tax: string;
let operator: string;
let auditor: string;
let relying: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  otherCourt = await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
  tax = await t.keyFor({ role: 'agency', name: 'Beijing Tax Bureau', agency_kind: 'tax' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  auditor = await t.keyFor({ role: 'auditor', name: 'Audit Office' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
});
after(() => t.close());

const DAY = 86_400_000;

/** A person with a judgment default filed by the Haidian court, and their own subject key. */
async function aDebtor(): Promise<{ id: string; recordId: string; key: string }> {
  const id = aResidentId();
  const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
  return { id, recordId, key: await t.keyFor({ role: 'subject', name: 'debtor', subject: `cn-rid:${id}` }) };
}

const post = (url: string, key: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
const get = async (url: string, key: string) => (await t.app.inject({ url, headers: bearer(key) })).json();
const dispute = (recordId: string, key: string, statement = 'I paid the judgment debt in full on 2026-09-30') =>
  post(`/v1/records/${recordId}/disputes`, key, { statement });
const resolve = (disputeId: string, key: string, payload: Record<string, unknown>) =>
  post(`/v1/disputes/${disputeId}/resolution`, key, payload);
const outcome = async (id: string) =>
  (
    await post('/v1/decisions', relying, {
      subject: { scheme: 'cn-rid', id },
      action: 'travel.air.premium_class',
      purpose: 'ticketing',
    })
  ).json().outcome;
const score = async (id: string) => (await get(`/v1/subjects/cn-rid/${id}/report`, operator)).score;
const statusOf = async (recordId: string) => (await get(`/v1/records/${recordId}`, operator)).status;
const noticeKinds = async (id: string) =>
  (await get(`/v1/subjects/cn-rid/${id}/notices`, operator)).notices.map((n: { kind: string }) => n.kind);

describe('opening a dispute', () => {
  test('the subject opens one: due in 30 days, and a decision of an authority keeps counting meanwhile', async () => {
    const { id, recordId, key } = await aDebtor();
    const response = await dispute(recordId, key);
    assert.equal(response.statusCode, 201, response.body);
    const body = response.json();
    assert.match(body.dispute_id, /^[0-9a-f-]{36}$/);
    assert.equal(body.status, 'open');
    assert.equal(new Date(body.due_at).getTime(), t.now.getTime() + 30 * DAY);
    assert.equal(await statusOf(recordId), 'disputed');
    assert.equal(await outcome(id), 'deny');
    assert.ok((await noticeKinds(id)).includes('dispute.opened'));
    const second = await dispute(recordId, key);
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().error.code, 'CRD_DISPUTE_OPEN');
  });

  test('a disputed factual claim (while_disputed: suspend) stops counting until resolved', async () => {
    const id = aResidentId();
    const recordId = await t.file(tax, {
      source_ref: `arrears-${id}`,
      type: 'tax.arrears',
      subject: { kind: 'person', scheme: 'cn-rid', id, name: '王五' },
      decided_at: '2026-10-10',
      legal_basis: 'Tax Collection Law art. 45',
      document_ref: '京税欠〔2026〕1号',
    });
    assert.equal(await score(id), 940);
    const response = await dispute(
      recordId,
      operator,
      'The subject says the arrears were paid; receipt attached to the call',
    );
    assert.equal(response.statusCode, 201);
    assert.equal(response.json().record_status, 'suspended');
    assert.equal(await score(id), 1000);
  });

  test('a subject cannot dispute another subject’s record, and an agency cannot open disputes', async () => {
    const { recordId } = await aDebtor();
    const stranger = await t.keyFor({ role: 'subject', name: 'stranger', subject: `cn-rid:${aResidentId()}` });
    const response = await dispute(recordId, stranger);
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'CRD_NOT_FOUND');
    assert.equal((await dispute(recordId, court)).statusCode, 403);
  });
});

describe('listing and resolving disputes', () => {
  test('the filing agency lists its own disputes, oldest deadline first; others see only what is theirs', async () => {
    const first = await aDebtor();
    const second = await aDebtor();
    const a = (await dispute(first.recordId, first.key)).json().dispute_id;
    const start = t.now;
    t.now = new Date(start.getTime() + 3_600_000); // a later deadline
    const b = (await dispute(second.recordId, second.key)).json().dispute_id;
    t.now = start;
    const own = (await get('/v1/disputes?status=open', court)).disputes.map(
      (d: { dispute_id: string }) => d.dispute_id,
    );
    assert.ok(own.indexOf(a) >= 0 && own.indexOf(a) < own.indexOf(b));
    assert.deepEqual((await get('/v1/disputes', otherCourt)).disputes, []);
    const byOperator = (await get('/v1/disputes', operator)).disputes.map((d: { dispute_id: string }) => d.dispute_id);
    assert.ok(byOperator.includes(a) && byOperator.includes(b));
    assert.ok((await get('/v1/disputes', auditor)).disputes.length >= 2);
    assert.deepEqual(
      (await get('/v1/disputes', first.key)).disputes.map((d: { dispute_id: string }) => d.dispute_id),
      [a],
    );
    assert.equal((await t.app.inject({ url: `/v1/disputes/${a}`, headers: bearer(second.key) })).statusCode, 404);
    assert.equal((await t.app.inject({ url: `/v1/disputes/${a}`, headers: bearer(otherCourt) })).statusCode, 404);
  });

  test('an agency cannot resolve another agency’s dispute', async () => {
    const debtor = await aDebtor();
    const disputeId = (await dispute(debtor.recordId, debtor.key)).json().dispute_id;
    const response = await resolve(disputeId, otherCourt, { outcome: 'revoked', reason: 'not ours' });
    assert.equal(response.statusCode, 404);
    assert.equal(await statusOf(debtor.recordId), 'disputed');
  });

  test('upheld: the record is back in force and the subject may attach a statement shown with it', async () => {
    const debtor = await aDebtor();
    const disputeId = (await dispute(debtor.recordId, debtor.key)).json().dispute_id;
    const early = await post(`/v1/disputes/${disputeId}/statement`, debtor.key, { statement: 'too early' });
    assert.equal(early.json().error.code, 'CRD_DISPUTE_NOT_UPHELD');
    const response = await resolve(disputeId, court, { outcome: 'upheld', reason: 'no payment reached the court' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().dispute.outcome, 'upheld');
    assert.equal(await statusOf(debtor.recordId), 'active');
    assert.equal(
      (await resolve(disputeId, court, { outcome: 'revoked', reason: 'again' })).json().error.code,
      'CRD_DISPUTE_RESOLVED',
    );
    const stranger = await t.keyFor({ role: 'subject', name: 'stranger', subject: `cn-rid:${aResidentId()}` });
    assert.equal(
      (await post(`/v1/disputes/${disputeId}/statement`, stranger, { statement: 'not mine' })).statusCode,
      404,
    );
    assert.equal(
      (
        await post(`/v1/disputes/${disputeId}/statement`, debtor.key, {
          statement: 'I paid by bank transfer; the court has not matched it.',
        })
      ).statusCode,
      200,
    );
    const subjectId = (await get(`/v1/records/${debtor.recordId}`, operator)).subject_id;
    const annotations = await getRecordAnnotations(t.registry.rt.db, subjectId, [debtor.recordId], t.now);
    assert.equal(
      annotations.get(debtor.recordId)?.statements[0]?.statement,
      'I paid by bank transfer; the court has not matched it.',
    );
    const report = await get(`/v1/subjects/cn-rid/${debtor.id}/report`, debtor.key);
    const shown = report.records.find((r: { id: string }) => r.id === debtor.recordId);
    assert.equal(
      shown.statements[0].statement,
      'I paid by bank transfer; the court has not matched it.',
      'the statement is shown with the record in every report',
    );
    const resolved = (await get(`/v1/subjects/cn-rid/${debtor.id}/notices`, debtor.key)).notices.find(
      (n: { kind: string }) => n.kind === 'dispute.resolved',
    );
    assert.match(resolved.what, /upheld/);
    assert.ok(resolved.consequences.some((c: { effect: string }) => c.effect === 'deny'));
  });

  test('corrected: needs changes, makes a new version and puts it in force', async () => {
    const debtor = await aDebtor();
    const disputeId = (await dispute(debtor.recordId, debtor.key)).json().dispute_id;
    assert.equal((await resolve(disputeId, court, { outcome: 'corrected', reason: 'wrong date' })).statusCode, 400);
    const response = await resolve(disputeId, court, {
      outcome: 'corrected',
      reason: 'the debt was performed',
      changes: { expires_at: '2026-10-15' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().record.version, 2);
    assert.equal(response.json().record.status, 'active');
    assert.equal(await outcome(debtor.id), 'allow');
  });

  test('revoked: the record stops counting at once', async () => {
    const debtor = await aDebtor();
    const disputeId = (await dispute(debtor.recordId, debtor.key)).json().dispute_id;
    assert.equal(await outcome(debtor.id), 'deny');
    await resolve(disputeId, court, { outcome: 'revoked', reason: 'listed in error' });
    assert.equal(await statusOf(debtor.recordId), 'revoked');
    assert.equal(await outcome(debtor.id), 'allow');
    const kinds = await noticeKinds(debtor.id);
    assert.ok(kinds.includes('dispute.resolved') && kinds.includes('list.ended'), kinds.join());
    const resolved = (await get('/v1/disputes?status=resolved', court)).disputes.find(
      (d: { dispute_id: string }) => d.dispute_id === disputeId,
    );
    assert.equal(resolved.outcome, 'revoked');
  });
});

describe('overdue disputes', () => {
  test('past its deadline a dispute suspends the record until resolved, and is flagged overdue', async () => {
    const debtor = await aDebtor();
    const disputeId = (await dispute(debtor.recordId, debtor.key)).json().dispute_id;
    const start = t.now;
    try {
      t.now = new Date(start.getTime() + 29 * DAY);
      assert.equal(await markOverdueDisputes(t.registry.rt), 0);
      t.now = new Date(start.getTime() + 31 * DAY);
      const listed = (await get('/v1/disputes?status=overdue', court)).disputes.find(
        (d: { dispute_id: string }) => d.dispute_id === disputeId,
      );
      assert.equal(listed.overdue, true);
      assert.ok((await markOverdueDisputes(t.registry.rt)) >= 1);
      await t.registry.follower.catchUp();
      assert.equal((await get(`/v1/disputes/${disputeId}`, operator)).status, 'overdue');
      assert.equal(await statusOf(debtor.recordId), 'suspended');
      assert.equal(await outcome(debtor.id), 'allow');
      assert.ok((await noticeKinds(debtor.id)).includes('dispute.overdue'));
      assert.equal(await markOverdueDisputes(t.registry.rt), 0);
      const response = await resolve(disputeId, court, { outcome: 'upheld', reason: 'verified late' });
      assert.equal(response.statusCode, 200);
      assert.equal(await statusOf(debtor.recordId), 'active');
      assert.equal(await outcome(debtor.id), 'deny');
    } finally {
      t.now = start;
    }
  });
});

test(
  'a ledger replay rebuilds identical projections after disputes opened, ' + 'overdue, resolved and annotated',
  async () => {
    const penalty = await t.file(tax, aPenalty({ tier: 'general' }));
    const taxDispute = (await dispute(penalty, operator)).json().dispute_id;
    await resolve(taxDispute, tax, {
      outcome: 'corrected',
      reason: 'reclassified',
      changes: { attributes: { tier: 'minor' } },
    });
    const debtor = await aDebtor();
    await dispute(debtor.recordId, debtor.key);
    const before = await t.snapshot();
    const statuses = new Set(before.disputes!.map((d) => (d as { status: string }).status));
    assert.deepEqual([...statuses].sort(), ['open', 'overdue', 'resolved']);
    assert.ok(before.disputes!.some((d) => (d as { subject_statement: string | null }).subject_statement !== null));
    await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
    assert.deepEqual(await t.snapshot(), before);
  },
);
