import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs } from 'kysely';
import { DecisionLog, type DecisionBatch, OVERLAP_AT_QUEUED } from '../src/services/decisions/decision-log.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;

before(async () => {
  t = await startTestRegistry();
});
after(() => t.close());

/** What the log's one statement per flush calls (migration 018). */
const INSERT_FUNCTION = 'credence_insert_inquiries';

/** Counts the log's insert statements, and makes the next `failures` of them fail. */
class InsertSpy implements KyselyPlugin {
  inserts = 0;
  failures = 0;

  transformQuery(args: PluginTransformQueryArgs) {
    const node = args.node as { kind: string; sqlFragments?: readonly string[] };
    if (node.kind === 'RawNode' && node.sqlFragments?.join('').includes(INSERT_FUNCTION)) {
      this.inserts += 1;
      if (this.failures > 0) {
        this.failures -= 1;
        throw new Error('flush failed');
      }
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

function aLog(spy = new InsertSpy(), errors: unknown[] = []): { log: DecisionLog; spy: InsertSpy; errors: unknown[] } {
  return { log: new DecisionLog(t.registry.rt.db.withPlugin(spy), { onError: (e) => errors.push(e) }), spy, errors };
}

/** A report inquiry about `subject` (a fresh value per test keeps the counts apart). */
const anInquiry = (subject: string) => ({
  subject_scheme: 'cn-rid',
  subject_value: subject,
  at: t.now,
  id: randomUUID(),
  kind: 'report' as const,
  principal_id: 'p1',
  action: null,
  purpose: 'test',
  outcome: null,
  policy_version: null,
});

const committed = async (subject: string): Promise<number> =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from inquiries where subject_value = ${subject}`.execute(
        t.registry.rt.db,
      )
    ).rows[0]!.n,
  );

/** Runs `during` while another transaction holds the inquiries table, so every insert waits. */
async function whileInquiriesLocked<T>(during: () => Promise<T>): Promise<T> {
  return t.registry.rt.db.transaction().execute(async (trx) => {
    await sql`lock table inquiries in exclusive mode`.execute(trx);
    return during();
  });
}

/** Resolves once `n` inserts wait on the lock. */
async function insertsWaiting(n: number): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query like ${`%${INSERT_FUNCTION}%`}
    `.execute(t.registry.rt.db);
    if (Number(rows[0]!.n) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('DecisionLog', () => {
  test('nothing is answered before its inquiry is committed', async () => {
    const { log } = aLog();
    const subject = randomUUID();
    let answered = false;
    let pending: Promise<void> = Promise.resolve();
    await whileInquiriesLocked(async () => {
      pending = log.append([anInquiry(subject)]).then(() => {
        answered = true;
      });
      await insertsWaiting(1);
      assert.equal(answered, false, 'the append waits for its commit');
      assert.equal(log.pending, 0, 'taken by a flush');
    });
    await pending;
    assert.equal(await committed(subject), 1);
  });

  test('appends made while a flush is busy wait for it, and are written together in one statement', async () => {
    const { log, spy } = aLog();
    const subject = randomUUID();
    const appends: Promise<void>[] = [];
    await whileInquiriesLocked(async () => {
      appends.push(log.append([anInquiry(subject)]));
      await insertsWaiting(1);
      for (let i = 0; i < 100; i += 1) appends.push(log.append([anInquiry(subject), anInquiry(subject)]));
      assert.equal(log.pending, 200, 'queued behind the flush under way');
    });
    await Promise.all(appends);
    assert.equal(await committed(subject), 201);
    assert.equal(spy.inserts, 2, 'a flush of one, then one of two hundred');
    assert.equal(log.written, 201);
  });

  test('once many wait, further flushes overlap the one under way, up to four at once', async () => {
    const { log, spy } = aLog();
    const subject = randomUUID();
    const many = (n: number) => Array.from({ length: n }, () => anInquiry(subject));
    const appends: Promise<void>[] = [];
    await whileInquiriesLocked(async () => {
      appends.push(log.append(many(1)));
      await insertsWaiting(1);
      for (let i = 0; i < 4; i += 1) appends.push(log.append(many(OVERLAP_AT_QUEUED)));
      await insertsWaiting(4);
      assert.equal(log.pending, OVERLAP_AT_QUEUED, 'the fifth flush waits: four are under way');
    });
    await Promise.all(appends);
    assert.equal(await committed(subject), 1 + 4 * OVERLAP_AT_QUEUED);
    assert.equal(spy.inserts, 5);
  });

  test('a failed flush is retried, and its callers answered once it commits', async () => {
    const { log, spy, errors } = aLog();
    spy.failures = 2;
    const subject = randomUUID();
    await log.append([anInquiry(subject), anInquiry(subject)]);
    assert.equal(await committed(subject), 2);
    assert.equal(spy.inserts, 3);
    assert.equal(errors.length, 2, 'each failure is reported');
  });

  test('a flush that keeps failing rejects its callers, and the log goes on', async () => {
    const { log, spy } = aLog();
    spy.failures = 5;
    const subject = randomUUID();
    await assert.rejects(log.append([anInquiry(subject)]), /flush failed/);
    assert.equal(await committed(subject), 0);
    await log.append([anInquiry(subject)]);
    assert.equal(await committed(subject), 1);
  });

  test('drain() waits for every inquiry queued', async () => {
    const { log } = aLog();
    const subject = randomUUID();
    let drained: Promise<void> = Promise.resolve();
    let done = false;
    await whileInquiriesLocked(async () => {
      for (let i = 0; i < 50; i += 1) void log.append([anInquiry(subject)]);
      await insertsWaiting(1);
      drained = log.drain().then(() => {
        done = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(done, false, 'the writes are still waiting');
    });
    await drained;
    assert.equal(log.pending, 0);
    assert.equal(await committed(subject), 50);
  });

  test('a decision whose outcome is review opens its review task in the same flush', async () => {
    const { log, spy } = aLog();
    const subject = randomUUID();
    const batch: DecisionBatch = {
      at: t.now,
      principal_id: 'p1',
      action: 'procurement.bid',
      purpose: 'procurement',
      decisions: [
        {
          decision_id: `${subject}.0`,
          subject: { scheme: 'cn-rid', id: subject },
          outcome: 'allow',
          policy_version: 'v1',
          measures: [],
          reasons: [],
        },
        {
          decision_id: `${subject}.1`,
          subject: { scheme: 'cn-rid', id: subject },
          outcome: 'review',
          policy_version: 'v1',
          measures: [{ effect: 'waive' }, { effect: 'review' }],
          reasons: ['waived', 'asked for review'],
        },
      ],
    };
    await log.appendDecisions(batch);
    assert.equal(await committed(subject), 2);
    assert.equal(spy.inserts, 1);
    const tasks = await t.registry.rt.db
      .selectFrom('review_tasks')
      .select(['id', 'reasons'])
      .where('subject_value', '=', subject)
      .execute();
    assert.deepEqual(tasks, [{ id: `${subject}.1`, reasons: ['asked for review'] }]);
  });
});
