import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { validatePolicyDocument } from '../src/policy/index.ts';
import { verifyLedger } from '../src/services/ledger/ledger.service.ts';
import { readPolicyDocument } from '../src/services/ledger/policy.service.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;

before(async () => {
  t = await startTestRegistry();
  const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  const market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  const id = aResidentId();
  await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(court),
    payload: { records: [aCourtRecord({ subjectId: id, name: '赵六' }), aCourtRecord({ kind: 'organization' })] },
  });
  t.now = new Date('2026-11-05T00:00:00Z');
  await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(court),
    payload: { records: [aCourtRecord({ subjectId: id, name: '赵 六', criterion: 'refuses_settlement' })] },
  });
  await t.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(market),
    payload: { records: [aPenalty({ tier: 'serious' }), aPenalty({ tier: 'minor' })] },
  });
});
after(() => t.close());

describe('the ledger', () => {
  test('every state change is a hash-chained event, and the chain verifies', async () => {
    const types = (await t.registry.rt.db.selectFrom('ledger').select('type').orderBy('seq').execute()).map(
      (r) => r.type,
    );
    // A new registry's first policy: scheduled, then activated (no subject to rescore yet).
    assert.deepEqual(types.slice(0, 2), ['policy.activation_scheduled', 'policy.activated']);
    for (const type of [
      'agency.registered',
      'principal.created',
      'subject.registered',
      'record.filed',
      'subject.name_variant',
    ])
      assert.ok(types.includes(type), type);
    const result = await verifyLedger(t.registry.rt);
    assert.equal(result.ok, true);
    assert.equal(result.events, types.length);
  });

  test('projections rebuilt by replay come out identical', async () => {
    const before = await t.snapshot();
    assert.ok(before.records!.length >= 5);
    const rt = t.registry.rt;
    await replayLedger(rt, async (digest) => validatePolicyDocument(await readPolicyDocument(rt, digest)).policy!);
    assert.deepEqual(await t.snapshot(), before);
  });

  test('altering a stored event makes verify name that event', async () => {
    const target = await t.registry.rt.db
      .selectFrom('ledger')
      .select('seq')
      .where('type', '=', 'record.filed')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirstOrThrow();
    await sql`update ledger set payload = replace(payload, '"able_but_refuses"', '"obstructs_enforcement"')
      where seq = ${target.seq}`.execute(t.registry.rt.db);
    const result = await verifyLedger(t.registry.rt);
    assert.equal(result.ok, false);
    assert.equal(result.firstBad?.seq, target.seq);
    assert.match(result.firstBad!.reason, /hash/);
  });
});

test('the fast event encoding is the canonical encoding', async () => {
  const { canonicalJson } = await import('../src/domain/canonical.ts');
  const { eventBody } = await import('../src/domain/ledger-chain.ts');
  const event = {
    seq: '42',
    at: new Date('2026-11-21T10:00:00.123Z'),
    type: 'record.filed',
    subject_id: '7',
    payload: { b: [1, { d: 'é"\\', c: null }], a: '张三' },
  };
  assert.equal(eventBody(event, canonicalJson(event.payload)), canonicalJson(event));
  assert.equal(
    eventBody({ ...event, subject_id: null }, canonicalJson(event.payload)),
    canonicalJson({ ...event, subject_id: null }),
  );
});
