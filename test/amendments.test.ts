/**
 * FCRA § 611(d) (15 U.S.C. § 1681i(d)): when a record is corrected, revoked or repaired, every relying service that
 * got a decision about its subject within the policy's lookback (6 months) is told: its decisions, the outcome then
 * and now for the same action, and why; through GET /v1/decisions/amendments and its own signed webhook.
 */

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { deliverDueAmendments } from '../src/services/due-process/amendment-delivery.service.ts';
import { aCourtRecord, aRelationship, aResidentId, aSpendingExemption, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const ACTION = 'travel.air.premium_class';

interface Received {
  readonly key: string;
  readonly signature: string;
  readonly raw: string;
}

/** A relying service's webhook receiver on 127.0.0.1, answering 200 and keeping what it got. */
class Receiver {
  readonly received: Received[] = [];
  /** While true it answers 503 and keeps nothing. */
  failing = false;
  private readonly server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    request.on('end', () => {
      if (this.failing) {
        response.writeHead(503).end();
        return;
      }
      this.received.push({
        key: String(request.headers['idempotency-key']),
        signature: String(request.headers['x-credence-signature']),
        raw,
      });
      response.writeHead(200).end();
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/amendments`;
  }

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let t: TestRegistry;
let court: string;
const air = { id: '', key: '' };
const rail = { id: '', key: '' };
const receiver = new Receiver();

async function relyingPrincipal(name: string): Promise<{ id: string; key: string }> {
  const { principal, key } = await createPrincipal(t.registry.rt, {
    role: 'relying',
    name,
    actions: [ACTION],
    purposes: ['ticketing'],
  });
  return { id: principal.id, key };
}

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  Object.assign(air, await relyingPrincipal('Air China'));
  Object.assign(rail, await relyingPrincipal('China Railway'));
  await receiver.start();
});
after(async () => {
  await receiver.stop();
  await t.close();
});

async function decide(key: string, person: string): Promise<{ decision_id: string; outcome: string }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/decisions',
    headers: bearer(key),
    payload: { subject: { scheme: 'cn-rid', id: person }, action: ACTION, purpose: 'ticketing' },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

async function revoke(recordId: string, reason: string): Promise<void> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/records/${recordId}/revocation`,
    headers: bearer(court),
    payload: { reason },
  });
  assert.equal(response.statusCode, 200, response.body);
}

async function amendments(key: string, query = '') {
  return t.app.inject({ url: `/v1/decisions/amendments${query}`, headers: bearer(key) });
}

/** Every amendment a key can read, page by page with `limit`, and how many pages it took. */
async function readAll(key: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let since: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=${limit}${since === null ? '' : `&since=${since}`}`;
    const body = (await amendments(key, query)).json();
    pages += 1;
    ids.push(...body.amendments.map((a: { id: string }) => a.id));
    since = body.next;
  } while (since !== null);
  return { ids, pages };
}

const later = (isoDate: string) => {
  t.now = new Date(isoDate);
};

describe('telling those who relied on a record (FCRA § 611(d))', () => {
  const debtor = aResidentId();
  let recordId = '';
  let airDecision = '';

  test('a revoked record: the service that was denied within 6 months learns the decision is now allow', async () => {
    recordId = await t.file(court, aCourtRecord({ subjectId: debtor }));
    const railDecision = await decide(rail.key, debtor);
    assert.equal(railDecision.outcome, 'deny');
    later('2027-06-02T00:00:00Z'); // seven months on: Rail's check is past the lookback
    const decision = await decide(air.key, debtor);
    assert.equal(decision.outcome, 'deny');
    airDecision = decision.decision_id;
    await revoke(recordId, 'filed against the wrong person');

    const response = await amendments(air.key);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.amendments.length, 1);
    assert.equal(body.next, null);
    const [amendment] = body.amendments;
    assert.deepEqual(amendment.subject, { scheme: 'cn-rid', id: debtor });
    assert.equal(amendment.action, ACTION);
    assert.equal(amendment.old_outcome, 'deny');
    assert.equal(amendment.new_outcome, 'allow');
    assert.equal(amendment.outcome_changed, true);
    assert.deepEqual(amendment.decision_ids, [airDecision]);
    assert.equal(amendment.decision_count, 1);
    assert.deepEqual(amendment.record, {
      id: recordId,
      type: 'court.judgment_default',
      change: 'revoked',
      reason: 'filed against the wrong person',
      ground: null,
    });
    assert.match(amendment.legal_basis, /1681i\(d\)/);
  });

  test('a service that checked 7 months before the change is not sent one', async () => {
    const body = (await amendments(rail.key)).json();
    assert.deepEqual(body, { amendments: [], next: null });
  });

  test("no one reads another service's amendments, and other roles may not ask", async () => {
    const mine = (await amendments(air.key)).json().amendments.map((a: { id: string }) => a.id);
    assert.equal(mine.length, 1);
    const railRead = (await amendments(rail.key, `?since=0&limit=500`)).json();
    assert.equal(railRead.amendments.length, 0, "Rail sees none of Air China's");
    const asCourt = await amendments(court);
    assert.equal(asCourt.statusCode, 403);
    assert.equal(asCourt.json().error.code, 'CRD_FORBIDDEN');
    assert.equal((await t.app.inject({ url: '/v1/decisions/amendments' })).statusCode, 401);
    assert.equal((await amendments(air.key, '?since=abc')).statusCode, 400);
  });

  test('reading amendments is logged as an inquiry the subject sees', async () => {
    const rows = await t.registry.rt.db
      .selectFrom('inquiries')
      .select(['kind', 'action', 'principal_id'])
      .where('subject_value', '=', debtor)
      .where('kind', '=', 'record')
      .execute();
    assert.ok(
      rows.some((r) => r.principal_id === air.id && r.action === ACTION),
      JSON.stringify(rows),
    );
  });

  test('a correction that leaves the outcome as it was is still told, as unchanged', async () => {
    const person = aResidentId();
    const id = await t.file(court, aCourtRecord({ subjectId: person }));
    const first = await decide(air.key, person);
    t.now = new Date(t.now.getTime() + 60_000);
    const second = await decide(air.key, person);
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${id}/corrections`,
      headers: bearer(court),
      payload: { changes: { document_ref: '(2026)京0108执999号' }, reason: 'a typing error in the document number' },
    });
    assert.equal(response.statusCode, 200, response.body);
    const all = (await amendments(air.key)).json().amendments;
    const mine = all.filter((a: { subject: { id: string } }) => a.subject.id === person);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].record.change, 'corrected');
    assert.equal(mine[0].old_outcome, 'deny');
    assert.equal(mine[0].new_outcome, 'deny');
    assert.equal(mine[0].outcome_changed, false);
    assert.deepEqual(mine[0].decision_ids, [second.decision_id, first.decision_id], 'newest first');
    assert.equal(mine[0].decision_count, 2);
  });

  test("a court's deletion on performance is told as a repair, with its ground", async () => {
    const person = aResidentId();
    const id = await t.file(court, aCourtRecord({ subjectId: person }));
    await decide(air.key, person);
    const subject = await t.keyFor({ role: 'subject', name: '张三', subject: `cn-rid:${person}` });
    const post = (url: string, key: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
    // NDRC Order No. 36 (2025): repair needs the subject's public credit commitment.
    const commitment = await post(`/v1/subjects/cn-rid/${person}/commitments`, subject, {
      text: 'I will perform every judgment against me in full and on time.',
    });
    assert.equal(commitment.statusCode, 201, commitment.body);
    const applied = await post(`/v1/records/${id}/repairs`, subject, { evidence: 'paid in full', performed: true });
    assert.equal(applied.statusCode, 201, applied.body);
    const approved = await post(`/v1/repairs/${applied.json().repair_id}/decision`, court, {
      approve: true,
      reason: 'the judgment is performed',
      ground: 'performed',
    });
    assert.equal(approved.statusCode, 200, approved.body);
    const mine = (await amendments(air.key, '?limit=500'))
      .json()
      .amendments.filter((a: { subject: { id: string } }) => a.subject.id === person);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].old_outcome, 'deny');
    assert.equal(mine[0].new_outcome, 'allow');
    assert.deepEqual(mine[0].record, {
      id,
      type: 'court.judgment_default',
      change: 'repaired',
      reason: 'the judgment is performed',
      ground: 'performed',
    });
  });

  test('cursor paging returns each amendment exactly once', async () => {
    for (let i = 0; i < 3; i += 1) {
      const person = aResidentId();
      const id = await t.file(court, aCourtRecord({ subjectId: person }));
      await decide(air.key, person);
      await revoke(id, `revoked ${i}`);
    }
    const whole = (await amendments(air.key, '?limit=500')).json().amendments.map((a: { id: string }) => a.id);
    assert.equal(whole.length, 6);
    const paged = await readAll(air.key, 2);
    assert.deepEqual(paged.ids, whole);
    assert.equal(new Set(paged.ids).size, whole.length);
    assert.equal(paged.pages, 4, 'three full pages of two, then an empty one');
    const after = (await amendments(air.key, `?since=${whole[whole.length - 1]}`)).json();
    assert.deepEqual(after, { amendments: [], next: null }, 'nothing new yet past the last one read');
  });

  test("an amendment goes to the service's own webhook, signed with its secret", async () => {
    const { code, out, err } = await t.cli('principal', 'webhook', air.id, '--url', receiver.url, '--json');
    assert.equal(code, 0, err);
    const { secret } = JSON.parse(out) as { secret: string };
    const person = aResidentId();
    const id = await t.file(court, aCourtRecord({ subjectId: person }));
    await decide(air.key, person);
    await revoke(id, 'the judgment was set aside on appeal');

    const counts = await deliverDueAmendments(t.registry.rt);
    assert.deepEqual(counts, { delivered: 1, retrying: 0, failed: 0 });
    assert.equal(receiver.received.length, 1, 'only the amendment written after the webhook was set');
    const [delivery] = receiver.received;
    const expected = `sha256=${createHmac('sha256', secret).update(delivery!.raw).digest('hex')}`;
    assert.equal(delivery!.signature, expected);
    const body = JSON.parse(delivery!.raw);
    assert.equal(delivery!.key, `amendment-${body.id}`);
    assert.deepEqual(body.subject, { scheme: 'cn-rid', id: person });
    assert.equal(body.old_outcome, 'deny');
    assert.equal(body.new_outcome, 'allow');
    assert.equal(body.record.reason, 'the judgment was set aside on appeal');
    const read = (await amendments(air.key, '?limit=500')).json().amendments;
    assert.deepEqual(read[read.length - 1], body, 'the webhook sends what the API shows');
    assert.deepEqual(await deliverDueAmendments(t.registry.rt), { delivered: 0, retrying: 0, failed: 0 });
    assert.equal(receiver.received.length, 1, 'delivered once');
  });

  test('a receiver that fails is tried again later with the same key, until it answers', async () => {
    const person = aResidentId();
    const id = await t.file(court, aCourtRecord({ subjectId: person }));
    await decide(air.key, person);
    await revoke(id, 'paid in full');
    receiver.failing = true;
    const options = { backoff: () => 60_000 };
    assert.deepEqual(await deliverDueAmendments(t.registry.rt, options), { delivered: 0, retrying: 1, failed: 0 });
    receiver.failing = false;
    assert.deepEqual(await deliverDueAmendments(t.registry.rt, options), { delivered: 0, retrying: 0, failed: 0 });
    t.now = new Date(t.now.getTime() + 60_000);
    assert.deepEqual(await deliverDueAmendments(t.registry.rt, options), { delivered: 1, retrying: 0, failed: 0 });
    const last = receiver.received[receiver.received.length - 1]!;
    assert.equal(JSON.parse(last.raw).record.reason, 'paid in full');
  });

  test('after the webhook is removed, nothing more is sent', async () => {
    assert.equal((await t.cli('principal', 'webhook', air.id, '--remove')).code, 0);
    const person = aResidentId();
    const id = await t.file(court, aCourtRecord({ subjectId: person }));
    await decide(air.key, person);
    const before = receiver.received.length;
    await revoke(id, 'entered twice');
    assert.deepEqual(await deliverDueAmendments(t.registry.rt), { delivered: 0, retrying: 0, failed: 0 });
    assert.equal(receiver.received.length, before);
    const read = (await amendments(air.key, '?limit=500')).json().amendments;
    assert.equal(read[read.length - 1].record.reason, 'entered twice', 'still readable through the API');
  });

  test('operators set and remove a webhook through the API too; no one else may', async () => {
    const operator = await t.keyFor({ role: 'operator', name: 'ops' });
    const put = (key: string, id: string, url: string | null) =>
      t.app.inject({ method: 'PUT', url: `/v1/principals/${id}/webhook`, headers: bearer(key), payload: { url } });
    const set = await put(operator, rail.id, receiver.url);
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json().url, receiver.url);
    assert.match(set.json().secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await put(rail.key, rail.id, receiver.url)).statusCode, 403);
    assert.equal((await put(operator, 'p_nobody', receiver.url)).json().error.code, 'CRD_PRINCIPAL_NOT_FOUND');
    const removed = await put(operator, rail.id, null);
    assert.deepEqual(removed.json(), { principal_id: rail.id, url: null, secret: null });
  });

  test('only a relying principal can have a webhook, and only an http(s) one', async () => {
    const refusedUrl = await t.cli('principal', 'webhook', rail.id, '--url', 'ftp://example.org/x');
    assert.notEqual(refusedUrl.code, 0);
    const operator = await createPrincipal(t.registry.rt, { role: 'operator', name: 'ops' });
    const refusedRole = await t.cli('principal', 'webhook', operator.principal.id, '--url', receiver.url);
    assert.notEqual(refusedRole.code, 0);
    assert.match(refusedRole.err, /relying/);
  });
});

describe("a listed organisation's related persons (Fa Shi [2015] 17 art. 3 para. 2)", () => {
  type Amendment = { subject: { id: string }; [key: string]: unknown };
  const about = async (key: string, id: string): Promise<Amendment[]> =>
    (await amendments(key, '?limit=500')).json().amendments.filter((a: Amendment) => a.subject.id === id);

  let market = '';
  before(async () => {
    market = await t.keyFor({ role: 'agency', name: 'Haidian Market Regulation', agency_kind: 'market' });
  });

  /** A person made the legal representative of a company the court then lists as a judgment defaulter. */
  async function aRepresentativeOfAListedCompany(person = aResidentId()) {
    const organization = anUscc();
    const filed = await t.app.inject({
      method: 'POST',
      url: '/v1/relationships',
      headers: bearer(market),
      payload: { relationships: [aRelationship({ organizationId: organization, personId: person })] },
    });
    assert.equal(filed.json().accepted?.length, 1, filed.body);
    const relationship: string = filed.json().accepted[0].relationship_id;
    const listing = await t.file(court, aCourtRecord({ kind: 'organization', subjectId: organization }));
    return { person, organization, relationship, listing };
  }

  test("the company's record revoked: a service denied because of it learns the person is now allowed", async () => {
    const person = aResidentId();
    assert.equal((await decide(rail.key, person)).outcome, 'allow', 'before the company is listed');
    const { organization, relationship, listing } = await aRepresentativeOfAListedCompany(person);
    const decision = await decide(air.key, person);
    assert.equal(decision.outcome, 'deny', 'bound through the company');
    await revoke(listing, 'the judgment was set aside on appeal');

    const [amendment, ...more] = await about(air.key, person);
    assert.equal(more.length, 0);
    assert.ok(amendment, 'Air China is told about the person');
    assert.deepEqual(amendment.subject, { scheme: 'cn-rid', id: person });
    assert.equal(amendment.action, ACTION);
    assert.equal(amendment.old_outcome, 'deny');
    assert.equal(amendment.new_outcome, 'allow');
    assert.equal(amendment.outcome_changed, true);
    assert.deepEqual(amendment.decision_ids, [decision.decision_id]);
    assert.deepEqual(amendment.record, {
      id: listing,
      type: 'court.judgment_default',
      change: 'revoked',
      reason: 'the judgment was set aside on appeal',
      ground: null,
    });
    assert.deepEqual(amendment.related, {
      organization: { scheme: 'cn-uscc', id: organization, name: '北京某某科技有限公司' },
      relationships: [{ relationship_id: relationship, role: 'legal_representative' }],
      revocation_reason: null,
    });
    // China Railway asked only before the company was listed: it was told "allow", which is still so.
    assert.deepEqual(await about(rail.key, person), []);
  });

  test("an amendment about the record's own subject names no organisation", async () => {
    const person = aResidentId();
    const own = await t.file(court, aCourtRecord({ subjectId: person }));
    await decide(air.key, person);
    await revoke(own, 'filed against the wrong person');
    const [amendment] = await about(air.key, person);
    assert.equal(amendment?.related, null);
  });

  test('a person the company bound who is denied on their own account too is not told: the outcome stays', async () => {
    const person = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: person }));
    const { listing } = await aRepresentativeOfAListedCompany(person);
    assert.equal((await decide(air.key, person)).outcome, 'deny');
    await revoke(listing, 'entered twice');
    assert.deepEqual(await about(air.key, person), []);
  });

  test('a correction that leaves the company listed tells no related person', async () => {
    const { person, listing } = await aRepresentativeOfAListedCompany();
    assert.equal((await decide(air.key, person)).outcome, 'deny');
    const corrected = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${listing}/corrections`,
      headers: bearer(court),
      payload: { changes: { document_ref: '(2026)京0108执998号' }, reason: 'a typing error in the document number' },
    });
    assert.equal(corrected.statusCode, 200, corrected.body);
    assert.deepEqual(await about(air.key, person), []);
  });

  test('the relationship revoked: the service is told the person is now allowed, naming no record', async () => {
    const { person, organization, relationship } = await aRepresentativeOfAListedCompany();
    const decision = await decide(air.key, person);
    assert.equal(decision.outcome, 'deny');
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/relationships/${relationship}/revocation`,
      headers: bearer(market),
      payload: { reason: 'the registration changed' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    const [amendment, ...more] = await about(air.key, person);
    assert.equal(more.length, 0);
    assert.ok(amendment, 'Air China is told about the person');
    assert.deepEqual(
      [amendment.old_outcome, amendment.new_outcome, amendment.decision_ids],
      ['deny', 'allow', [decision.decision_id]],
    );
    assert.equal(amendment.record, null);
    assert.deepEqual(amendment.related, {
      organization: { scheme: 'cn-uscc', id: organization, name: '北京某某科技有限公司' },
      relationships: [{ relationship_id: relationship, role: 'legal_representative' }],
      revocation_reason: 'the registration changed',
    });
  });

  test('a court exempts the person: the service is told they are now allowed, naming the exemption', async () => {
    const { person, organization, relationship } = await aRepresentativeOfAListedCompany();
    const decision = await decide(air.key, person);
    assert.equal(decision.outcome, 'deny');
    const filing = aSpendingExemption({ organizationId: organization, personId: person });
    const exemption = await t.file(court, filing);
    assert.equal(await t.file(court, filing), exemption, 'filed again: a duplicate, which changes nothing');
    const [amendment, ...more] = await about(air.key, person);
    assert.equal(more.length, 0);
    assert.ok(amendment, 'Air China is told about the person');
    assert.deepEqual(
      [amendment.old_outcome, amendment.new_outcome, amendment.decision_ids],
      ['deny', 'allow', [decision.decision_id]],
    );
    assert.deepEqual(amendment.record, {
      id: exemption,
      type: 'court.personal_spending_exemption',
      change: 'filed',
      reason: 'Fa Shi [2015] 17 art. 3 para. 2',
      ground: null,
    });
    assert.deepEqual(amendment.related, {
      organization: { scheme: 'cn-uscc', id: organization, name: '北京某某科技有限公司' },
      relationships: [{ relationship_id: relationship, role: 'legal_representative' }],
      revocation_reason: null,
    });
  });

  test('exempted from one company while another binds them still: the outcome stays, no one is told', async () => {
    const { person, organization } = await aRepresentativeOfAListedCompany();
    await aRepresentativeOfAListedCompany(person);
    assert.equal((await decide(air.key, person)).outcome, 'deny');
    await t.file(court, aSpendingExemption({ organizationId: organization, personId: person }));
    assert.equal((await decide(rail.key, person)).outcome, 'deny', 'still bound through the other company');
    assert.deepEqual(await about(air.key, person), []);
  });
});
