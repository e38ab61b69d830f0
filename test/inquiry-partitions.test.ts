import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { maintainInquiryPartitions } from '../src/services/runtime/inquiry-partitions.service.ts';
import { connect } from '../src/store/database.ts';
import { knownMigrations, migrateWithinTransaction } from '../src/store/migrate.ts';
import { getInquiriesAbout } from '../src/store/inquiries.repository.ts';
import { createTestDatabase } from './support/database.ts';
import { aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;

before(async () => {
  t = await startTestRegistry();
});
after(() => t.close());

/** A decision inquiry about `subject` at `at`, committed through the decision log. */
async function logInquiry(subject: string, at: string): Promise<string> {
  const id = randomUUID();
  await t.registry.rt.log.append([
    {
      subject_scheme: 'cn-rid',
      subject_value: subject,
      at: new Date(at),
      id,
      kind: 'decision',
      principal_id: 'p1',
      action: 'procurement.bid',
      purpose: 'procurement',
      outcome: 'allow',
      policy_version: 'v1',
    },
  ]);
  return id;
}

/** The partition each of the subject's inquiries is stored in, by inquiry id. */
async function partitionsOf(subject: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ id: string; partition: string }>`
    select id, tableoid::regclass::text as partition from inquiries where subject_value = ${subject}
  `.execute(t.registry.rt.db);
  return Object.fromEntries(rows.map((r) => [r.id, r.partition]));
}

const months = async () =>
  (
    await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'inquiries'::regclass order by 1
    `.execute(t.registry.rt.db)
  ).rows.map((r) => r.name);

/** Runs the partition job as of `at`. */
async function maintainAt(at: string): Promise<number> {
  t.now = new Date(at);
  return maintainInquiryPartitions(t.registry.rt);
}

const about = (subject: string) => [{ scheme: 'cn-rid', id: subject }];

describe('inquiries partitioned by month', () => {
  test('an inquiry in a month with no partition lands in DEFAULT, is readable, and moves to its month', async () => {
    const subject = randomUUID();
    const id = await logInquiry(subject, '2041-05-10T08:00:00Z');
    assert.deepEqual(await partitionsOf(subject), { [id]: 'inquiries_default' });
    assert.deepEqual(
      (await getInquiriesAbout(t.registry.rt.db, about(subject), 10)).map((i) => i.id),
      [id],
    );
    await maintainAt('2041-05-20T00:00:00Z');
    assert.deepEqual(await partitionsOf(subject), { [id]: 'inquiries_2041_05' });
    assert.deepEqual(await months(), [
      'inquiries_2041_05',
      'inquiries_2041_06',
      'inquiries_2041_07',
      'inquiries_default',
    ]);
    assert.equal(await maintainAt('2041-05-20T00:00:00Z'), 0, 'a second run changes nothing');
    const next = await logInquiry(subject, '2041-06-01T00:00:00Z');
    assert.equal((await partitionsOf(subject))[next], 'inquiries_2041_06', 'made ahead');
  });

  test('retention drops whole months once their last inquiry is older than the policy period', async () => {
    assert.equal(t.registry.rt.policy.inquiries.retention, 'P3Y');
    const subject = randomUUID();
    await maintainAt('2045-01-15T00:00:00Z');
    await maintainAt('2045-02-15T00:00:00Z');
    const january = await logInquiry(subject, '2045-01-31T23:59:59Z');
    const february = await logInquiry(subject, '2045-02-01T00:00:00Z');
    // Its month has no partition and is past retention by the next run: it is deleted from DEFAULT then.
    const stray = await logInquiry(subject, '2044-06-30T00:00:00Z');
    assert.equal((await partitionsOf(subject))[stray], 'inquiries_default');
    await maintainAt('2048-01-31T23:59:59Z');
    assert.deepEqual(Object.keys(await partitionsOf(subject)).sort(), [february, january].sort());
    await maintainAt('2048-02-01T00:00:00Z');
    assert.deepEqual(Object.keys(await partitionsOf(subject)), [february], 'January 2045 + P3Y has passed');
    const kept = (await months()).filter((m) => m !== 'inquiries_default');
    assert.ok(kept.includes('inquiries_2045_02') && kept.includes('inquiries_2048_04'), kept.join(' '));
    assert.ok(
      kept.every((m) => m >= 'inquiries_2045_02'),
      'every month that ended three years ago or more is gone',
    );
  });

  test("a subject's inquiries are read across months, newest first, through each month's subject index", async () => {
    const subject = randomUUID();
    await maintainAt('2051-03-01T00:00:00Z');
    const ids = [
      await logInquiry(subject, '2051-03-02T00:00:00Z'),
      await logInquiry(subject, '2051-04-02T00:00:00Z'),
      await logInquiry(subject, '2051-05-02T00:00:00Z'),
      await logInquiry(subject, '2051-09-02T00:00:00Z'), // DEFAULT
    ];
    assert.equal(new Set(Object.values(await partitionsOf(subject))).size, 4);
    const first = await getInquiriesAbout(t.registry.rt.db, about(subject), 2);
    const cursor = { atMicros: first[1]!.at_micros, id: first[1]!.id };
    const rest = await getInquiriesAbout(t.registry.rt.db, about(subject), 10, cursor);
    assert.deepEqual(
      [...first, ...rest].map((i) => i.id),
      [...ids].reverse(),
    );

    const plan = await t.registry.rt.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': unknown }>`
        explain (format json) select id from inquiries where subject_scheme = 'cn-rid' and subject_value = ${subject}
        order by at desc limit 10
      `.execute(trx);
      return JSON.stringify(rows[0]!['QUERY PLAN']);
    });
    assert.ok(!plan.includes('Seq Scan'), plan);
    assert.match(plan, /inquiries_2051_04_\w*idx/, 'each month through its own index');
  });

  test('the migration moves every existing inquiry into its month, and back down', async () => {
    const MIGRATION = '2026-12-02-018-inquiries-partitioned';
    const before = knownMigrations()[knownMigrations().indexOf(MIGRATION) - 1]!;
    const database = await createTestDatabase();
    const { db, close } = connect(database.url);
    try {
      await migrateWithinTransaction(db, before);
      const at = ['2025-11-30T23:59:59.999999Z', '2025-12-01T00:00:00Z', '2026-03-15T12:00:00Z'];
      await sql`
        insert into inquiries (subject_scheme, subject_value, at, id, kind, principal_id, review_id)
        select 'cn-rid', 'S', t, 'i' || n, 'report', 'p1', case when n = 1 then 'r1' end
        from unnest(${at}::timestamptz[]) with ordinality as a(t, n)
      `.execute(db);
      await migrateWithinTransaction(db, MIGRATION);
      const stored = async () =>
        (
          await sql<{ id: string; partition: string; review_id: string | null }>`
            select id, tableoid::regclass::text as partition, review_id from inquiries order by id
          `.execute(db)
        ).rows;
      assert.deepEqual(await stored(), [
        { id: 'i1', partition: 'inquiries_2025_11', review_id: 'r1' },
        { id: 'i2', partition: 'inquiries_2025_12', review_id: null },
        { id: 'i3', partition: 'inquiries_2026_03', review_id: null },
      ]);
      await migrateWithinTransaction(db, before);
      assert.deepEqual(
        (await stored()).map((r) => r.partition),
        ['inquiries', 'inquiries', 'inquiries'],
      );
    } finally {
      await close();
      await database.drop();
    }
  });

  test("a subject's report says how long inquiries are kept, and why", async () => {
    const subject = aResidentId();
    const own = await t.keyFor({ role: 'subject', name: '王五', subject: `cn-rid:${subject}` });
    const response = await t.app.inject({ url: `/v1/subjects/cn-rid/${subject}/report`, headers: bearer(own) });
    assert.equal(response.statusCode, 200, response.body);
    const { period, legal_basis } = response.json().inquiries_retention;
    assert.equal(period, 'P3Y');
    assert.match(legal_basis.en, /PIPL art\. 19/);
    assert.match(legal_basis.zh, /个人信息保护法/);
  });
});
