import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  UnknownRow,
} from 'kysely';
import { LedgerFollower } from '../src/services/runtime/ledger-follower.ts';
import { Runtime } from '../src/services/runtime/runtime.ts';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
let court: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
});
after(() => t.close());

/**
 * Holds query results while closed: the query has run (its snapshot is taken) but its caller
 * does not see the rows until the gate opens. `held` resolves when the first result is held.
 */
class Gate implements KyselyPlugin {
  private open = true;
  private release: () => void = () => undefined;
  private opened: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private onHeld: () => void = () => undefined;
  held: Promise<void> = Promise.resolve();
  queries = 0;

  close(): void {
    this.open = false;
    this.opened = new Promise((resolve) => {
      this.release = resolve;
    });
    this.held = new Promise((resolve) => {
      this.onHeld = resolve;
    });
  }

  /** Lets the held query go on, or fail with `failure`. */
  reopen(failure: Error | null = null): void {
    this.open = true;
    this.failure = failure;
    this.release();
  }

  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.queries += 1;
    if (!this.open) {
      this.onHeld();
      await this.opened;
      const failure = this.failure;
      this.failure = null;
      if (failure !== null) throw failure;
    }
    return args.result;
  }
}

/** A second process's runtime and follower, reading the ledger through `gate`; warmed. */
async function followerBehind(gate: Gate): Promise<{ rt: Runtime; follower: LedgerFollower }> {
  const rt = new Runtime({ db: t.registry.rt.db.withPlugin(gate), policy: t.registry.rt.policy });
  const follower = new LedgerFollower(rt, {
    policyFromDigest: async () => {
      throw new Error('no policy change in this test');
    },
  });
  await follower.warm();
  return { rt, follower };
}

const isListed = (rt: Runtime, id: string) => rt.index.code('cn-rid', id) !== rt.index.baseCode;

describe('LedgerFollower.catchUp', () => {
  test('a write committed while a pass is running is indexed when the writer catches up', async () => {
    const gate = new Gate();
    const { rt } = await followerBehind(gate);
    const id = aResidentId();
    gate.close();
    const early = rt.indexed(); // a pass starts and reads the ledger before the write
    let mine: Promise<void>;
    try {
      await gate.held;
      await t.file(court, aCourtRecord({ subjectId: id }));
      mine = rt.indexed(); // the writer asks after its commit, while that pass is still running
    } finally {
      gate.reopen();
    }
    await early;
    await mine;
    assert.ok(isListed(rt, id), 'the write is in the index when the writer catches up');
  });

  test('callers arriving during a pass share one pass queued behind it', async () => {
    const gate = new Gate();
    const { rt, follower } = await followerBehind(gate);
    gate.close();
    const running = follower.catchUp();
    await gate.held;
    const a = follower.catchUp();
    const b = rt.indexed();
    gate.reopen();
    assert.notEqual(a, running, 'a caller arriving mid-pass waits for a later pass');
    assert.equal(a, b);
    await Promise.all([running, a, b]);
    const queries = gate.queries;
    await follower.catchUp();
    assert.equal(gate.queries, queries + 1, 'an idle follower runs one pass of one query when nothing is new');
  });

  test('a failed pass rejects its callers and does not stop the pass queued behind it', async () => {
    const gate = new Gate();
    const { rt, follower } = await followerBehind(gate);
    const id = aResidentId();
    gate.close();
    const failing = follower.catchUp();
    await gate.held;
    await t.file(court, aCourtRecord({ subjectId: id }));
    const next = follower.catchUp();
    gate.reopen(new Error('connection lost'));
    await assert.rejects(failing, /connection lost/);
    await next;
    assert.ok(isListed(rt, id));
  });
});

describe('Runtime.indexed', () => {
  test('is a no-op until a follower has warmed the index', async () => {
    const rt = new Runtime({ db: t.registry.rt.db, policy: t.registry.rt.policy });
    const id = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: id }));
    await rt.indexed();
    assert.ok(!isListed(rt, id), 'no follower: the index stays as built');
    const follower = new LedgerFollower(rt, { policyFromDigest: async () => rt.policy });
    await follower.warm();
    assert.ok(isListed(rt, id), 'warming reads the projections');
    const later = aResidentId();
    await t.file(court, aCourtRecord({ subjectId: later }));
    await rt.indexed();
    assert.ok(isListed(rt, later), 'once warmed, indexed() catches up');
  });
});
