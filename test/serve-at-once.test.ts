import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  UnknownRow,
} from 'kysely';
import type { ServiceContext } from '../src/services/context.ts';
import { DecisionIndex, RELATED_BIT } from '../src/services/decisions/decision-index.ts';
import { indexFromCopy } from '../src/services/runtime/index-warmup.ts';
import { scheduleJobs } from '../src/services/runtime/jobs.service.ts';
import { aCourtRecord, aRelationship, aResidentId, anUscc } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let relying: string;
let courtKey: string;
const court = () => courtKey;
const debtor = aResidentId();
const organization = anUscc();
const representative = aResidentId();

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
  relying = await t.keyFor({
    role: 'relying',
    name: '12306 and Air China',
    actions: ['travel.air.premium_class', 'travel.rail.high_speed'],
    purposes: ['ticketing'],
  });
  courtKey = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  const market = await t.keyFor({ role: 'agency', name: 'Haidian Market Regulation', agency_kind: 'market' });
  // Fa Shi [2017] 7 art. 2: listed for 2 years from the decision of 2026-10-01, so until 2028-10-01.
  await t.file(courtKey, aCourtRecord({ subjectId: debtor, criterion: 'refuses_settlement' }));
  // Fa Shi [2015] 17 art. 3 para. 2: the organisation's listing binds its legal representative until it ends.
  const relationship = await t.app.inject({
    method: 'POST',
    url: '/v1/relationships',
    headers: bearer(market),
    payload: { relationships: [aRelationship({ organizationId: organization, personId: representative })] },
  });
  assert.equal(relationship.json().accepted?.length, 1, relationship.body);
  await t.file(
    courtKey,
    aCourtRecord({ kind: 'organization', subjectId: organization, criterion: 'refuses_settlement' }),
  );
});
after(() => t.close());

/** Holds every query's result while closed; `held` resolves when the first is held. */
class Gate implements KyselyPlugin {
  private opened: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  private onHeld: () => void = () => undefined;
  held: Promise<void> = Promise.resolve();

  close(): void {
    this.opened = new Promise((resolve) => {
      this.release = resolve;
    });
    this.held = new Promise((resolve) => {
      this.onHeld = resolve;
    });
  }

  reopen(): void {
    this.release();
  }

  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.onHeld();
    await this.opened;
    return args.result;
  }
}

const ask = async (id: string, action: string) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: bearer(relying),
      payload: { subject: { scheme: 'cn-rid', id }, action, purpose: 'ticketing' },
    })
  ).json();
const catchingUp = async () => (await t.app.inject({ url: '/health' })).json().catching_up;
const activeLists = async (id: string) =>
  (
    await t.registry.rt.db
      .selectFrom('subject_state')
      .innerJoin('subject_identifiers', 'subject_identifiers.subject_id', 'subject_state.subject_id')
      .select('active_lists')
      .where('subject_identifiers.value', '=', id)
      .executeTakeFirstOrThrow()
  ).active_lists;

/** Binary COPY of `rows` (columns as index-warmup.repository.ts selects them; null: SQL null). */
function binaryCopy(rows: readonly (readonly (string | Date | null)[])[]): Buffer {
  const int = (bits: 16 | 32, value: number) => {
    const bytes = Buffer.alloc(bits / 8);
    if (bits === 16) bytes.writeInt16BE(value);
    else bytes.writeInt32BE(value);
    return bytes;
  };
  const timestamp = (at: Date) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64BE((BigInt(at.getTime()) - 946_684_800_000n) * 1000n); // microseconds from 2000
    return bytes;
  };
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int(32, 0), int(32, 0)];
  for (const row of rows) {
    parts.push(int(16, row.length));
    for (const column of row) {
      const bytes = column === null ? null : column instanceof Date ? timestamp(column) : Buffer.from(column);
      parts.push(int(32, bytes?.length ?? -1), ...(bytes === null ? [] : [bytes]));
    }
  }
  return Buffer.concat([...parts, int(16, -1)]);
}

describe('index warm-up from binary COPY', () => {
  test('a warm-up gives every identifier the state and next change the ledger follower gave it', async () => {
    const fresh = aResidentId();
    await t.file(court(), aCourtRecord({ subjectId: fresh, criterion: 'refuses_settlement' }));
    const rt = t.registry.rt;
    const followed = rt.index;
    await t.registry.follower.warm();
    assert.notEqual(rt.index, followed, 'a new index');
    assert.equal(rt.index.size, followed.size);
    assert.equal(rt.index.decide('cn-rid', fresh, 'travel.air.premium_class').outcome, 'deny', 'listed');
    const identifiers = [fresh, debtor, representative].map((id) => ['cn-rid', id] as const);
    for (const [scheme, id] of [...identifiers, ['cn-uscc', organization] as const]) {
      assert.equal(rt.index.code(scheme, id), followed.code(scheme, id), id);
      assert.deepEqual(rt.index.nextChange(scheme, id), followed.nextChange(scheme, id), id);
    }
    assert.ok(rt.index.code('cn-rid', representative) >= RELATED_BIT, 'bound through the organisation');
    assert.deepEqual(rt.index.nextChange('cn-rid', fresh), new Date('2028-10-01T00:00:00Z'));
  });

  test('rows cut anywhere between chunks, nulls, related listings and any bytes in a value read back', async () => {
    const index = new DecisionIndex(t.registry.rt.policy, { shards: 2 });
    const related = [
      {
        relationship_id: '7',
        role: 'legal_representative',
        organization: { scheme: 'cn-uscc', id: organization, name: '北京\t某\\公司' },
        list: 'judgment-defaulters',
        until: '2028-10-01T00:00:00.000Z',
        exempted_by: [],
      },
    ];
    const listed = new Date('2028-10-01T00:00:00.900Z');
    const bytes = binaryCopy([
      ['cn-rid', debtor, 'B', 'judgment-defaulters', listed, null, null],
      ['cn-rid', representative, 'A', '', new Date(-5000), JSON.stringify(related), null],
      ['cn-uscc', organization, 'D', 'judgment-defaulters,serious-dishonesty', null, null, null],
      ['cn-rid', 'x\\y\t', 'B', 'judgment-defaulters', listed, null, null],
      ['cn-rid', '京A·12345', 'C', 'judgment-defaulters', listed, null, null],
    ]);
    async function* byteByByte() {
      for (let i = 0; i < bytes.length; i += 1) yield bytes.subarray(i, i + 1);
    }
    assert.equal(await indexFromCopy(index, byteByByte()), 5);
    assert.equal(index.code('cn-rid', debtor), index.encode('B', ['judgment-defaulters']));
    assert.deepEqual(index.nextChange('cn-rid', debtor), new Date('2028-10-01T00:00:00Z'));
    assert.equal(index.code('cn-rid', representative), index.encode('A', [], true));
    assert.deepEqual(index.nextChange('cn-rid', representative), new Date(0), 'before 1970: due at once');
    const decision = index.decide('cn-rid', representative, 'travel.rail.high_speed');
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.measureViews[0]?.related?.organization.name, '北京\t某\\公司');
    assert.equal(index.code('cn-uscc', organization), index.encode('D', ['judgment-defaulters', 'serious-dishonesty']));
    assert.equal(index.nextChange('cn-uscc', organization), null);
    assert.equal(index.code('cn-rid', 'x\\y\t'), index.encode('B', ['judgment-defaulters']), 'a backslash, a tab');
    assert.equal(index.code('cn-rid', '京A·12345'), index.encode('C', ['judgment-defaulters']), 'UTF-8');
    async function* cutShort() {
      yield bytes.subarray(0, bytes.length - 2); // without the trailer
    }
    await assert.rejects(indexFromCopy(new DecisionIndex(t.registry.rt.policy), cutShort()), /in the middle of a row/);
  });
});

describe('serving at once after downtime', () => {
  test('before the catch-up has reached them, no decision applies a listing past its end', async () => {
    t.now = new Date('2028-09-30T00:00:00Z');
    assert.equal((await ask(debtor, 'travel.air.premium_class')).outcome, 'deny');
    assert.equal((await ask(representative, 'travel.rail.high_speed')).outcome, 'deny');
    // The server was down over the listings' end (2028-10-01): no job has run since.
    t.now = new Date('2028-10-02T00:00:00Z');
    const rt = t.registry.rt;
    const gate = new Gate();
    gate.close();
    const ctx: ServiceContext = {
      db: rt.db.withPlugin(gate),
      policy: rt.policy,
      clock: rt.clock,
      newId: rt.newId,
      log: rt.log,
      indexed: () => rt.indexed(),
    };
    const scheduler = scheduleJobs({
      intervalMs: 60_000,
      clock: () => t.now,
      deps: () => ({ ctx, webhook: null }),
      onError: (error) => {
        throw error;
      },
    });
    rt.reportCatchingUpWith(() => scheduler.catchingUp);
    try {
      await gate.held; // the catch-up has started and waits
      assert.equal(await catchingUp(), true, '/health tells that scheduled work is catching up');
      assert.deepEqual(await activeLists(debtor), ['judgment-defaulters'], 'the projection is not caught up yet');
      assert.notEqual(rt.index.code('cn-rid', debtor), rt.index.baseCode, 'nor is the index');
      const decision = await ask(debtor, 'travel.air.premium_class');
      assert.equal(decision.outcome, 'allow', JSON.stringify(decision));
      assert.deepEqual(decision.measures, []);
      const related = await ask(representative, 'travel.rail.high_speed');
      assert.equal(related.outcome, 'allow', 'the organisation listing that bound the person has ended too');
    } finally {
      gate.reopen();
    }
    await scheduler.firstRun;
    await scheduler.stop();
    assert.equal(await catchingUp(), false);
    assert.deepEqual(await activeLists(debtor), []);
    assert.equal(rt.index.code('cn-rid', debtor), rt.index.baseCode, 'the catch-up reached the index');
    assert.equal((await ask(debtor, 'travel.air.premium_class')).outcome, 'allow');
  });
});
