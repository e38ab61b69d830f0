/**
 * Reads that stay flat as the city grows (issue 12), checked for correctness (their speed is the bench's): keyset
 * pages give every row exactly once while rows are inserted, the last page is the end of the list read backwards,
 * and the counts the triggers keep equal count(*) of the base tables after filing, imports, revocations,
 * expiries and a ledger replay.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { resolveImportAgency } from '../src/services/accounts/agencies.service.ts';
import { replayLedger } from '../src/services/ledger/replay.service.ts';
import { importRecords } from '../src/services/records/import.service.ts';
import { runJobs } from '../src/services/runtime/jobs.service.ts';
import { readPolicyDocument } from '../src/services/ledger/policy.service.ts';
import { validatePolicyDocument } from '../src/policy/index.ts';
import { rebuildCounts } from '../src/store/counts.repository.ts';
import { connect } from '../src/store/database.ts';
import { knownMigrations, migrateWithinTransaction } from '../src/store/migrate.ts';
import { createTestDatabase } from './support/database.ts';
import { aCourtRecord, aPenalty, aResidentId } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';

const DAY = 86_400_000;
let t: TestRegistry;
let court: string;
let market: string;
let operator: string;
let relying: string;

before(async () => {
  t = await startTestRegistry();
  court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  market = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'Ops' });
  relying = await t.keyFor({
    role: 'relying',
    name: 'Air China',
    actions: ['travel.air.premium_class'],
    purposes: ['ticketing'],
  });
});
after(() => t.close());

type Page = { members?: Member[]; notices?: { id: string }[]; next: string | null; previous: string | null };
type Member = { identifiers: { id: string }[]; since: string };

const get = async (url: string, key?: string): Promise<Page> => {
  const response = await t.app.inject({ url, ...(key === undefined ? {} : { headers: bearer(key) }) });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
};
const listUrl = (after: string | null) =>
  `/v1/public/lists/judgment-defaulters?page_size=4${after === null ? '' : `&after=${after}`}`;
const pendingUrl = (after: string | null) =>
  `/v1/notices/deliveries?status=pending${after === null ? '' : `&after=${after}`}`;
const memberIds = (page: Page) => (page.members ?? []).map((m) => m.identifiers[0]!.id);
const noticeIds = (page: Page) => (page.notices ?? []).map((n) => n.id);

/** Follows `next` from the first page, running `meanwhile` between reads; every id seen, in order. */
async function walk(url: (after: string | null) => string, ids: (p: Page) => string[], meanwhile: () => Promise<void>) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = (await Promise.all([get(url(cursor), operator), meanwhile()]))[0];
    seen.push(...ids(page));
    cursor = page.next;
  } while (cursor !== null);
  return seen;
}

describe('keyset pages', () => {
  test('a public list, read page by page while members join, gives every member once', async () => {
    // Members decided on different days, and new ones joining before and behind the cursor while it reads.
    for (let i = 0; i < 13; i += 1)
      await t.file(court, aCourtRecord({ subjectId: aResidentId(), decided_at: `2026-09-${10 + i}` }));
    const before = memberIds(await get('/v1/public/lists/judgment-defaulters?page_size=50'));
    assert.equal(before.length, 13);
    let day = 0;
    const join = async () => {
      day += 1;
      await Promise.all([
        t.file(court, aCourtRecord({ decided_at: `2026-08-${10 + day}` })),
        t.file(court, aCourtRecord({ decided_at: `2026-10-${10 + day}` })),
      ]);
    };
    const seen = await walk(listUrl, memberIds, join);
    assert.equal(new Set(seen).size, seen.length, 'no member twice');
    for (const id of before) assert.ok(seen.includes(id), `${id} was on the list all along`);
  });

  test('pending notices, read page by page while notices are written, give every notice once', async () => {
    const records = Array.from({ length: 60 }, () => aCourtRecord());
    const filed = await t.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(court),
      payload: { records },
    });
    assert.equal(filed.json().accepted.length, 60, filed.body);
    const before = new Set<string>();
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page = await get(pendingUrl(cursor), operator);
      for (const id of noticeIds(page)) before.add(id);
      cursor = page.next;
    }
    assert.ok(before.size > 50, 'more than one page');
    const seen = await walk(pendingUrl, noticeIds, () => t.file(court, aCourtRecord()).then(() => undefined));
    assert.equal(new Set(seen).size, seen.length, 'no notice twice');
    for (const id of before) assert.ok(seen.includes(id));
  });

  test('the last page is the end of the list read backwards, and previous pages lead back to the first', async () => {
    const first = await get(listUrl(null));
    const pages = [memberIds(first)];
    for (let cursor = first.next; cursor !== null; ) {
      const page = await get(listUrl(cursor));
      pages.push(memberIds(page));
      cursor = page.next;
    }
    const lastCursor = (first as Page & { last: string }).last;
    const all = pages.flat();
    assert.ok(all.length > 50 && all.length % 4 !== 0, 'a long list with a short last page');
    let page: Page = await get(listUrl(lastCursor));
    assert.deepEqual(memberIds(page), all.slice(4 * (pages.length - 1)), 'the last page: what is left after 4s');
    const backwards = [memberIds(page)];
    while (page.previous !== null) {
      page = await get(listUrl(page.previous));
      backwards.unshift(memberIds(page));
    }
    assert.deepEqual(backwards, pages);
  });
});

describe('disputes by cursor', () => {
  test('limit at a time, next after next: every open dispute once, oldest deadline first', async () => {
    for (let i = 0; i < 3; i += 1) {
      const record = await t.file(court, aCourtRecord());
      const opened = await t.app.inject({
        method: 'POST',
        url: `/v1/records/${record}/disputes`,
        headers: bearer(operator),
        payload: { statement: 'I paid' },
      });
      assert.equal(opened.statusCode, 201, opened.body);
      t.now = new Date(t.now.getTime() + 60_000);
    }
    type Disputes = { disputes: { id: string; due_at: string }[]; next: string | null };
    const all = ((await get('/v1/disputes?status=open', operator)) as unknown as Disputes).disputes;
    assert.equal(all.length, 3);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page = (await get(
        `/v1/disputes?status=open&limit=1${next === null ? '' : `&after=${next}`}`,
        operator,
      )) as unknown as Disputes;
      seen.push(...page.disputes.map((d) => d.id));
      next = page.next;
    } while (next !== null);
    assert.deepEqual(
      seen,
      all.map((d) => d.id),
    );
  });
});

describe('counts kept by the database', () => {
  test('equal count(*) after filing, imports, revocations, decisions, expiries and a replay', async () => {
    await assertCountsMatch('after filing');
    const agency = await resolveImportAgency(t.registry.rt, { agencyKind: 'court' });
    const lines = Array.from({ length: 30 }, (_, n) =>
      JSON.stringify(aCourtRecord({ criterion: n % 2 === 0 ? 'obstructs_enforcement' : 'able_but_refuses' })),
    );
    await importRecords(t.registry.rt, {
      source: Readable.from([`${lines.join('\n')}\n`]),
      format: 'ndjson',
      filer: agency,
      batchSize: 7,
    });
    for (let i = 0; i < 5; i += 1) await t.file(market, aPenalty({ tier: 'minor' }));
    await assertCountsMatch('after an import');
    const revoked = await t.file(court, aCourtRecord());
    const revocation = await t.app.inject({
      method: 'POST',
      url: `/v1/records/${revoked}/revocation`,
      headers: bearer(court),
      payload: { reason: 'filed in error' },
    });
    assert.equal(revocation.statusCode, 200, revocation.body);
    for (let i = 0; i < 3; i += 1) {
      const payload = {
        subject: { scheme: 'cn-rid', id: aResidentId() },
        action: 'travel.air.premium_class',
        purpose: 'ticketing',
      };
      const decided = await t.app.inject({ method: 'POST', url: '/v1/decisions', headers: bearer(relying), payload });
      assert.equal(decided.statusCode, 200, decided.body);
    }
    await assertCountsMatch('after a revocation and decisions');
    t.now = new Date(t.now.getTime() + 900 * DAY);
    await runJobs({ ctx: t.registry.rt, webhook: null }, t.now);
    await assertCountsMatch('after expiries');
    const rt = t.registry.rt;
    await replayLedger(rt, async (digest) => validatePolicyDocument(await readPolicyDocument(rt, digest)).policy!);
    await assertCountsMatch('after a replay');
    await rebuildCounts(rt.db);
    assert.equal(await assertCountsMatch('after a rebuild'), 5, 'every count had something to count');
  });
});

/** Every maintained count, summed over its shards, equals the same count taken from the base tables. */
async function assertCountsMatch(when: string): Promise<number> {
  const db = t.registry.rt.db;
  const pairs = [
    [
      sql`select delivery_status as key, count(*)::int as n from notices group by 1`,
      sql`select key, sum(n)::int as n from read_counts.counters where name = 'notices.delivery_status' group by 1`,
    ],
    [
      sql`select agency_id || '/' || status as key, count(*)::int as n from records group by 1`,
      sql`select key, sum(n)::int as n from read_counts.counters where name = 'records' group by 1`,
    ],
    [
      sql`select e.list_id || '/' || e.status || '/' || s.kind as key, count(*)::int as n
        from list_entries e join subjects s on s.id = e.subject_id group by 1`,
      sql`select list_id || '/' || status || '/' || kind as key, sum(n)::int as n
        from read_counts.list_entries_daily group by 1`,
    ],
    [
      sql`select (filed_at at time zone 'UTC')::date || '/' || type || '/' || agency_id as key, count(*)::int as n
        from records group by 1`,
      sql`select day || '/' || type || '/' || agency_id as key, sum(n)::int as n
        from read_counts.records_filed_daily group by 1`,
    ],
    [
      sql`select (at at time zone 'UTC')::date || '/' || action || '/' || outcome as key, count(*)::int as n
        from inquiries where kind = 'decision' and review_id is null group by 1`,
      sql`select day || '/' || action || '/' || outcome as key, sum(n)::int as n
        from read_counts.decisions_daily group by 1`,
    ],
  ] as const;
  let counted = 0;
  for (const [base, kept] of pairs) {
    const rows = async (query: typeof base) =>
      (await query.execute(db)).rows
        .map((r) => r as { key: string; n: number })
        .filter((r) => r.n !== 0)
        .map((r) => `${r.key}=${r.n}`)
        .sort();
    const expected = await rows(base);
    if (expected.length > 0) counted += 1;
    assert.deepEqual(await rows(kept), expected, when);
  }
  return counted;
}

test('migration 019 goes down and up again, counting what is already there', async () => {
  const MIGRATION = '2026-12-02-019-read-indexes-and-counts';
  const before = knownMigrations()[knownMigrations().indexOf(MIGRATION) - 1]!;
  const database = await createTestDatabase();
  const { db, close } = connect(database.url);
  const schemas = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = 'read_counts'`.execute(db))
      .rows[0]!.n;
  try {
    await migrateWithinTransaction(db, MIGRATION);
    assert.equal(await schemas(), 1);
    await migrateWithinTransaction(db, before);
    assert.equal(await schemas(), 0, 'down: no counts, no triggers left');
    await sql`insert into notices (subject_id, id, at, kind, legal_basis, consequences, next_attempt_at)
      values (1, 'n1', now(), 'record.filed', 'x', '[]', now())`.execute(db);
    await migrateWithinTransaction(db, MIGRATION);
    const kept = await sql<{ key: string; n: string }>`
      select key, n::text from read_counts.counters where name = 'notices.delivery_status'`.execute(db);
    assert.deepEqual(kept.rows, [{ key: 'pending', n: '1' }], 'up again: the notice already there is counted');
  } finally {
    await close();
    await database.drop();
  }
});
