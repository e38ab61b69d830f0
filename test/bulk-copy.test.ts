import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { disputeOpenedNotice } from '../src/domain/due-process-notices.ts';
import { evaluateSubject } from '../src/domain/evaluate.ts';
import { membershipNotices, recordFiledNotice, type NoticeDraft } from '../src/domain/notice.ts';
import type { CreditRecord } from '../src/domain/record.ts';
import { validatePolicyDocument } from '../src/policy/index.ts';
import { resolveImportAgency } from '../src/services/accounts/agencies.service.ts';
import { verifyLedger } from '../src/services/ledger/ledger.service.ts';
import { readPolicyDocument } from '../src/services/ledger/policy.service.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { importRecords } from '../src/services/records/import.service.ts';
import { copyInto, pipelineCopies, setBulkCopy } from '../src/store/copy-in.ts';
import { insertNotices } from '../src/store/notices.repository.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
before(async () => {
  t = await startTestRegistry();
});
after(async () => {
  setBulkCopy(true);
  await t.close();
});

/** The tables COPY ... FROM STDIN wrote to while `work` ran, seen on the wire. */
async function copiedTables(work: () => Promise<unknown>): Promise<Set<string>> {
  const tables = new Set<string>();
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function watched(this: pg.Client, ...args: unknown[]) {
    const text = (args[0] as { text?: unknown } | undefined)?.text;
    const copy = typeof text === 'string' ? /^copy "(\w+)"/.exec(text) : null;
    if (copy !== null) tables.add(copy[1]!);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = query as typeof pg.Client.prototype.query;
  }
  return tables;
}

/** A batch big enough to be written by COPY (store/copy-in.ts): new persons, organisations, and name variants. */
function aBigBatch(): Record<string, unknown>[] {
  const repeated = Array.from({ length: 20 }, () => aResidentId());
  return [
    ...Array.from({ length: 240 }, (_, n) =>
      aCourtRecord({ criterion: n % 3 === 0 ? 'obstructs_enforcement' : 'able_but_refuses' }),
    ),
    // Texts COPY and the ledger's entries escape: a tab, a new line, a backslash, quotes.
    aCourtRecord({ name: '赵\t六', summary: 'a "quoted" \\x41 backslash\nand a new line' }),
    ...Array.from({ length: 30 }, () => aPenalty({ tier: 'serious' })),
    ...repeated.map((id) => aCourtRecord({ subjectId: id, name: '王五' })),
    ...repeated.map((id) => aCourtRecord({ subjectId: id, name: '王 五', criterion: 'refuses_settlement' })),
  ];
}

async function importLines(lines: readonly unknown[], agencyKind: string) {
  const filer = await resolveImportAgency(t.registry.rt, { agencyKind });
  return importRecords(t.registry.rt, {
    source: Readable.from([lines.map((l) => `${JSON.stringify(l)}\n`).join('')]),
    format: 'ndjson',
    filer,
    batchSize: 1000,
  });
}

test('a batch written by COPY stores what statements store: a replay by statements gives equal tables', async () => {
  const court = aBigBatch().filter((r) => r.type === 'court.judgment_default');
  let summary: Awaited<ReturnType<typeof importLines>> | undefined;
  const tables = await copiedTables(async () => {
    summary = await importLines(court, 'court');
  });
  assert.deepEqual([summary!.created, summary!.rejected], [court.length, 0]);
  // Every subject is new: their states are copied straight into subject_state.
  assert.deepEqual([...tables].sort(), [
    'ledger',
    'list_entries',
    'notices',
    'records',
    'subject_identifiers',
    'subject_state',
    'subjects',
  ]);
  // Again about the same subjects: their states go through the staging table and replace the stored ones.
  const again = court.map((r) => aCourtRecord({ subjectId: (r.subject as { id: string }).id, name: '张三' }));
  const replaced = await copiedTables(async () => {
    summary = await importLines(again, 'court');
  });
  assert.deepEqual([summary!.created, summary!.rejected], [again.length, 0]);
  assert.deepEqual([...replaced].sort(), ['ledger', 'list_entries', 'notices', 'records', 'subject_state_stage']);
  await importLines(
    aBigBatch().filter((r) => r.type === 'admin.penalty'),
    'market',
  );
  const copied = await t.snapshot();
  assert.ok(copied.records!.length >= 300 && copied.list_entries!.length >= 200);
  assert.ok(copied.subject_names!.length >= 20, 'name variants of subjects filed twice in the batch');
  setBulkCopy(false);
  try {
    const rt = t.registry.rt;
    await replayLedger(rt, async (digest) => validatePolicyDocument(await readPolicyDocument(rt, digest)).policy!);
  } finally {
    setBulkCopy(true);
  }
  assert.deepEqual(await t.snapshot(), copied);
  const verified = await verifyLedger(t.registry.rt);
  assert.equal(verified.ok, true, JSON.stringify(verified.firstBad));
});

test('a batch about new subjects reads before it writes: after its first COPY it only copies', async () => {
  const sent: string[] = [];
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function watched(this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string') sent.push(text.replace(/\s+/g, ' ').trim());
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    const summary = await importLines(
      Array.from({ length: 250 }, () => aCourtRecord()),
      'court',
    );
    assert.equal(summary.created, 250);
  } finally {
    pg.Client.prototype.query = query as typeof pg.Client.prototype.query;
  }
  // A read after a COPY would wait for it, and PostgreSQL and this process would take turns instead of both working.
  const first = sent.findIndex((text) => text.startsWith('copy '));
  const last = sent.indexOf('commit', first);
  assert.ok(first > 0 && last > first, sent.join('\n'));
  const afterFirst = sent.slice(first, last).filter((text) => !text.startsWith('copy ') && !text.includes('pg_notify'));
  assert.deepEqual(afterFirst, []);
});

test('a pipelined COPY that fails fails its transaction with its own error, and nothing of it stays', async () => {
  const db = t.registry.rt.db;
  await sql`create table pipelined_probe (id bigint primary key)`.execute(db);
  // 250 ids, the last a repeat of the first: the COPY fails at its end, after the caller has moved on.
  const rows = Array.from({ length: 250 }, (_, i) => String(i < 249 ? i : 0));
  const target = { table: 'pipelined_probe', columns: ['id'], fields: (id: string) => [id] };
  let answered = false;
  const failure = db.transaction().execute((trx) =>
    pipelineCopies(trx, async () => {
      await sql`insert into pipelined_probe values (1000)`.execute(trx);
      answered = await copyInto(trx, target, rows);
      await sql`select 1`.execute(trx); // queued after the COPY: fails as the transaction is aborted
    }),
  );
  await assert.rejects(failure, (error: Error & { code?: string }) => error.code === '23505', 'the repeated id');
  assert.equal(answered, true, 'copyInto answered before its COPY was acknowledged');
  const left = await sql<{ n: number }>`select count(*)::int as n from pipelined_probe`.execute(db);
  assert.equal(left.rows[0]!.n, 0);
  await sql`drop table pipelined_probe`.execute(db);
});

test('COPY text keeps every character across its chunks, a line longer than a chunk included', async () => {
  const db = t.registry.rt.db;
  await sql`create table copy_text_probe (n int primary key, body text)`.execute(db);
  // Chinese (3 UTF-8 bytes a character), astral characters (4), escapes, nulls; 3,000 rows cross many chunks, and a
  // body of 300,000 characters is longer than one.
  const bodies = Array.from({ length: 3000 }, (_, n) =>
    n % 7 === 0 ? null : `${'信用'.repeat(n % 50)}\t\\\n𠀀${n}${n === 1234 ? '长'.repeat(300_000) : ''}`,
  );
  const target = { table: 'copy_text_probe', columns: ['n', 'body'], fields: (n: number) => [String(n), bodies[n]!] };
  await db.transaction().execute(async (trx) => {
    assert.equal(
      await copyInto(
        trx,
        target,
        bodies.map((_, n) => n),
      ),
      true,
    );
  });
  const { rows } = await sql<{
    n: number;
    body: string | null;
  }>`select n, body from copy_text_probe order by n`.execute(db);
  assert.deepEqual(
    rows.map((r) => r.body),
    bodies,
  );
  await sql`drop table copy_text_probe`.execute(db);
});

test('counts kept by triggers follow rows written by COPY', async () => {
  await importLines(
    Array.from({ length: 250 }, () => aCourtRecord()),
    'court',
  );
  const db = t.registry.rt.db;
  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;
  assert.equal(
    await count(sql`select sum(n)::int as n from read_counts.counters where name = 'records'`),
    await count(sql`select count(*)::int as n from records`),
  );
  assert.equal(
    await count(sql`select sum(n)::int as n from read_counts.list_entries_daily`),
    await count(sql`select count(*)::int as n from list_entries`),
  );
  assert.equal(
    await count(sql`select sum(n)::int as n from read_counts.counters where name = 'notices.delivery_status'`),
    await count(sql`select count(*)::int as n from notices`),
  );
});

test('a batch imported again is answered as duplicates, each line once', async () => {
  const lines = Array.from({ length: 220 }, () => aCourtRecord());
  assert.equal((await importLines(lines, 'court')).created, 220);
  const again = await importLines(lines, 'court');
  assert.deepEqual([again.created, again.duplicate, again.rejected], [0, 220, 0]);
  const refs = lines.map((l) => l.source_ref as string);
  const stored = await t.registry.rt.db.selectFrom('records').select('id').where('source_ref', 'in', refs).execute();
  assert.equal(stored.length, 220);
});

/** Notices of a listing filed at `at`, of several shapes: with a deadline, with consequences the policy lacks. */
function noticeDrafts(at: Date, n: number): NoticeDraft[] {
  const policy = t.registry.rt.policy;
  const record: CreditRecord = {
    id: String(n + 1),
    subject_id: String(n + 1),
    agency_id: 'haidian-court',
    type: 'court.judgment_default',
    source_ref: `(2026)京0108执${n}`,
    decided_at: new Date('2026-10-01T00:00:00Z'),
    effective_at: new Date('2026-10-01T00:00:00Z'),
    expires_at: null,
    filed_at: at,
    legal_basis: 'a basis\twith a tab, a backslash \\ and\na new line',
    document_ref: `(2026)京0108执${n}号`,
    summary: null,
    attributes: { criterion: 'able_but_refuses' },
    status: 'active',
  };
  const evaluation = evaluateSubject(policy, { kind: 'person', records: [record] }, at);
  const filed = recordFiledNotice(policy, record, evaluation);
  return [
    filed,
    ...membershipNotices(policy, record.subject_id, [], evaluation.lists),
    disputeOpenedNotice(policy, record, evaluation, { id: `d-${n}`, due_at: new Date('2026-12-01T00:00:00Z') }),
    {
      ...filed,
      consequences: [{ measure: 'gone', effect: 'deny', actions: ['x'], legal_basis: 'y', from: at, until: null }],
    },
  ];
}

test('notices written by COPY are the rows statements write', async () => {
  const at = new Date('2026-11-01T08:30:15.123Z');
  const drafts = Array.from({ length: 60 }, (_, n) => noticeDrafts(at, n)).flat();
  const written = async (copy: boolean) => {
    const ids = drafts.map(() => randomUUID());
    setBulkCopy(copy);
    try {
      await t.registry.rt.db.transaction().execute(async (trx) => {
        await insertNotices(
          trx,
          drafts.map((draft, i) => ({ id: ids[i]!, at, draft })),
        );
      });
    } finally {
      setBulkCopy(true);
    }
    const result = await sql<{ row: Record<string, unknown> }>`
      select to_jsonb(n) - 'id' as row from unnest(${ids}::uuid[]) with ordinality as x (id, i)
      join notices n on n.id = x.id order by x.i`.execute(t.registry.rt.db);
    return result.rows.map((r) => r.row);
  };
  let byCopy: Record<string, unknown>[] = [];
  let byStatements: Record<string, unknown>[] = [];
  const copied = await copiedTables(async () => {
    byCopy = await written(true);
  });
  const stated = await copiedTables(async () => {
    byStatements = await written(false);
  });
  assert.deepEqual([[...copied], [...stated]], [['notices'], []]);
  assert.equal(byCopy.length, drafts.length);
  assert.ok(byCopy.some((r) => r.consequences !== null) && byCopy.some((r) => r.dispute_by !== null));
  assert.ok(byCopy.some((r) => r.legal_basis !== null && r.measures !== null));
  assert.deepEqual(byCopy, byStatements);
});
