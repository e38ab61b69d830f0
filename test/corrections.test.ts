import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { policyFromStore } from '../src/services/runtime/open-registry.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let market: string;
let operator: string;
let relying: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
});
after(() => t.close());

const post = (url: string, key: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: bearer(key), payload });
const outcome = async (id: string) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: { subject: { scheme: 'cn-rid', id }, action: 'travel.air.premium_class', purpose: 'ticketing' },
    })
  ).json().outcome;
const noticesOf = async (id: string) =>
  (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/notices`, headers: bearer(operator) })).json().notices as {
    kind: string;
    record_id: string;
    what: string;
    consequences: { effect: string }[];
  }[];
const eventsOf = async (type: string) =>
  (await t.registry.rt.db.selectFrom('ledger').select('payload').where('type', '=', type).orderBy('seq').execute()).map(
    (r) => JSON.parse(r.payload),
  );

describe('corrections', () => {
  test(
    'the filing agency corrects a record: a new version, the old one kept with the reason, ' +
      'effective in the next decision',
    async () => {
      const id = aResidentId();
      const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
      assert.equal(await outcome(id), 'deny');
      const response = await post(`/v1/records/${recordId}/corrections`, court, {
        changes: { expires_at: '2026-10-20', document_ref: '(2026)京0108执恢1号' },
        reason: 'the debtor performed on 2026-10-20',
      });
      assert.equal(response.statusCode, 200, response.body);
      const { record } = response.json();
      assert.equal(record.version, 2);
      assert.equal(record.document_ref, '(2026)京0108执恢1号');
      assert.equal(new Date(record.expires_at).toISOString(), '2026-10-20T00:00:00.000Z');
      assert.equal(await outcome(id), 'allow');

      const history = (await t.app.inject({ url: `/v1/records/${recordId}/versions`, headers: bearer(court) })).json();
      assert.equal(history.record.version, 2);
      assert.equal(history.versions.length, 1);
      assert.equal(history.versions[0].version, 1);
      assert.equal(history.versions[0].content.expires_at, null);
      assert.equal(history.versions[0].reason, 'the debtor performed on 2026-10-20');

      const event = (await eventsOf('record.corrected')).find((e) => e.record.id === recordId);
      assert.equal(event.version, 2);
      assert.equal(event.reason, 'the debtor performed on 2026-10-20');
      const notices = await noticesOf(id);
      assert.ok(
        notices.some((n) => n.kind === 'record.corrected' && n.record_id === recordId && /version 2/.test(n.what)),
      );
      assert.ok(notices.some((n) => n.kind === 'list.ended'));
    },
  );

  test('a correction is checked like a filing, every problem under changes.', async () => {
    const recordId = await t.file(court, aCourtRecord());
    const response = await post(`/v1/records/${recordId}/corrections`, court, {
      changes: { attributes: { criterion: 'looks_suspicious' }, effective_at: '2026-09-01' },
      reason: 'typo',
    });
    assert.equal(response.statusCode, 400);
    const paths = response.json().error.details.map((d: { path: string }) => d.path);
    assert.deepEqual(paths.sort(), ['changes.attributes.criterion', 'changes.effective_at']);
    const unknownField = await post(`/v1/records/${recordId}/corrections`, court, {
      changes: { type: 'admin.penalty' },
      reason: 'x',
    });
    assert.equal(unknownField.statusCode, 400);
  });

  test('a correction that changes nothing makes no new version', async () => {
    const recordId = await t.file(court, aCourtRecord({ decided_at: '2026-10-02' }));
    const before = (await eventsOf('record.corrected')).length;
    const response = await post(`/v1/records/${recordId}/corrections`, court, {
      changes: { decided_at: '2026-10-02' },
      reason: 'retry',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().record.version, 1);
    assert.equal((await eventsOf('record.corrected')).length, before);
  });

  test('no agency may touch another agency’s record: not found, as for reading it', async () => {
    const recordId = await t.file(court, aCourtRecord());
    assert.equal(
      (
        await post(`/v1/records/${recordId}/corrections`, market, { changes: { summary: 'mine now' }, reason: 'x' })
      ).json().error.code,
      'CRD_NOT_FOUND',
    );
    assert.equal(
      (await post(`/v1/records/${recordId}/revocation`, market, { reason: 'x' })).json().error.code,
      'CRD_NOT_FOUND',
    );
    assert.equal((await t.app.inject({ url: `/v1/records/${recordId}`, headers: bearer(market) })).statusCode, 404);
    assert.equal((await post(`/v1/records/${recordId}/revocation`, operator, { reason: 'x' })).statusCode, 403);
  });
});

describe('revocations', () => {
  test(
    'a revoked record stops counting at once, stays in the history marked revoked, ' + 'and the subject is told',
    async () => {
      const id = aResidentId();
      const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
      assert.equal(await outcome(id), 'deny');
      const response = await post(`/v1/records/${recordId}/revocation`, court, {
        reason: 'filed against the wrong person',
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().record.status, 'revoked');
      assert.equal(await outcome(id), 'allow');
      const report = (
        await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(operator) })
      ).json();
      assert.equal(report.records.find((r: { id: string }) => r.id === recordId).status, 'revoked');
      assert.equal(report.score, 1000);
      const revoked = (await noticesOf(id)).find((n) => n.kind === 'record.revoked')!;
      assert.match(revoked.what, /filed against the wrong person/);
      assert.deepEqual(revoked.consequences, []);
      assert.ok(
        (await eventsOf('record.revoked')).some((e) => e.record_id === recordId && e.record_status === 'revoked'),
      );
    },
  );

  test('revoking again answers the record as it is; a revoked record cannot be corrected', async () => {
    const recordId = await t.file(market, aPenalty({ tier: 'minor' }));
    await post(`/v1/records/${recordId}/revocation`, market, { reason: 'quashed on review' });
    const before = (await eventsOf('record.revoked')).length;
    const again = await post(`/v1/records/${recordId}/revocation`, market, { reason: 'quashed on review' });
    assert.equal(again.statusCode, 200);
    assert.equal((await eventsOf('record.revoked')).length, before);
    const correction = await post(`/v1/records/${recordId}/corrections`, market, {
      changes: { summary: 'x' },
      reason: 'x',
    });
    assert.equal(correction.statusCode, 409);
    assert.equal(correction.json().error.code, 'CRD_RECORD_NOT_CHANGEABLE');
  });
});

test('a ledger replay rebuilds identical projections after corrections and revocations', async () => {
  const recordId = await t.file(market, aPenalty({ tier: 'serious' }));
  await post(`/v1/records/${recordId}/corrections`, market, {
    changes: { attributes: { tier: 'general' } },
    reason: 'reclassified on review',
  });
  await post(`/v1/records/${recordId}/corrections`, market, {
    changes: { summary: 'reclassified' },
    reason: 'summary added',
  });
  const before = await t.snapshot();
  assert.ok(before.record_versions!.length >= 3);
  await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
  assert.deepEqual(await t.snapshot(), before);
});
