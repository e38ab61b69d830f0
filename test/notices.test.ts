import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { policyFromStore } from '../src/services/runtime/open-registry.ts';
import { reevaluateAllDue } from '../src/services/ledger/reevaluation.service.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { aCourtRecord, aListingDecision, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;
let market: string;
let operator: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'ops' });
});
after(() => t.close());

const noticesOf = async (scheme: string, id: string, key = operator) =>
  (await t.app.inject({ url: `/v1/subjects/${scheme}/${id}/notices`, headers: bearer(key) })).json().notices;

describe('notices', () => {
  test(
    'a filed judgment default tells the subject what, who, the legal basis, ' +
      'the consequences and the dispute deadline',
    async () => {
      const id = aResidentId();
      const recordId = await t.file(court, aCourtRecord({ subjectId: id }));
      const notices = await noticesOf('cn-rid', id);
      const filed = notices.find((n: { kind: string }) => n.kind === 'record.filed');
      assert.equal(filed.record_id, recordId);
      assert.equal(filed.agency_id, 'haidian-court');
      assert.equal(filed.legal_basis, 'Fa Shi [2013] 17 art. 1');
      assert.ok(
        filed.consequences.some(
          (c: { effect: string; actions: string[] }) =>
            c.effect === 'deny' && c.actions.includes('travel.air.premium_class'),
        ),
      );
      assert.equal(new Date(filed.dispute_by).getTime(), t.now.getTime() + 30 * 86_400_000);
      assert.match(filed.how_to_dispute, /dispute it in the portal/);
      const started = notices.find((n: { kind: string }) => n.kind === 'list.started');
      assert.equal(started.list_id, 'judgment-defaulters');
    },
  );

  test('a listing with a notice period is noticed as pending, then as started when the period runs out', async () => {
    const org = anUscc();
    await t.file(market, aListingDecision({ subjectId: org }));
    const pending = (await noticesOf('cn-uscc', org)).find((n: { kind: string }) => n.kind === 'list.pending');
    assert.equal(pending.list_id, 'serious-dishonesty');
    assert.match(pending.what, /will be placed on/);
    assert.equal(new Date(pending.dispute_by).getTime(), t.now.getTime() + 30 * 86_400_000);
    const start = t.now;
    try {
      t.now = new Date(start.getTime() + 31 * 86_400_000);
      await reevaluateAllDue(t.registry.rt);
      const kinds = (await noticesOf('cn-uscc', org)).map((n: { kind: string }) => n.kind);
      assert.ok(kinds.includes('list.started'), kinds.join());
    } finally {
      t.now = start;
    }
  });

  test('a subject reads their own notices, not anyone else’s; the report carries them too', async () => {
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    const own = await t.keyFor({ role: 'subject', name: 'me', subject: `cn-rid:${id}` });
    const other = await t.keyFor({ role: 'subject', name: 'other', subject: `cn-rid:${aResidentId()}` });
    assert.ok((await noticesOf('cn-rid', id, own)).length >= 2);
    assert.equal(
      (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/notices`, headers: bearer(other) })).statusCode,
      403,
    );
    assert.equal(
      (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/notices`, headers: bearer(court) })).statusCode,
      403,
    );
    const report = (await t.app.inject({ url: `/v1/subjects/cn-rid/${id}/report`, headers: bearer(own) })).json();
    assert.ok(report.notices.some((n: { kind: string }) => n.kind === 'record.filed'));
  });

  test('a ledger replay rebuilds projections without notifying anyone again', async () => {
    const count = async () =>
      Number(
        (
          await t.registry.rt.db
            .selectFrom('notices')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await replayLedger(t.registry.rt, (digest) => policyFromStore(t.registry.database, digest));
    assert.equal(await count(), before);
  });
});
