/**
 * Subjects' lowered names have one btree, subjects_lower_name_keyset (migration 019): the public search's
 * whole-name and prefix matches read their rows from it, in the order a page is read, and no second name index
 * is kept up on every insert (migration 030 dropped subjects_lower_name).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { publicShapes } from '../src/domain/disclosure.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { migrateToLatest, migrateWithinTransaction } from '../src/store/migrate.ts';
import { countSubjectsByName, searchSubjectsByName } from '../src/store/public.repository.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const BEFORE_DROP = '2026-12-02-029-exemption-amendments';
const NOW = new Date('2026-11-01T00:00:00Z');

let database: TestDatabase;
let db: Kysely<any>;
/** Every query `db` ran, as sent. */
const sent: CompiledQuery[] = [];

before(async () => {
  database = await createTestDatabase();
  // One connection: the planner settings a test makes apply to the queries it explains.
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  db = new Kysely<any>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') sent.push(event.query);
    },
  });
});
after(async () => {
  await db.destroy();
  await database.drop();
});

async function nameIndexDefinition(): Promise<string | undefined> {
  const { rows } = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where tablename = 'subjects' and indexname = 'subjects_lower_name'
  `.execute(db);
  return rows[0]?.indexdef;
}

/** What each scan of `subjects` in the plan of `query` reads: an index's name, or 'the table'. */
async function subjectScans(query: CompiledQuery): Promise<string[]> {
  const result = await db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
    ...query,
    sql: `explain (format json) ${query.sql}`,
  });
  const scans: string[] = [];
  const visit = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'subjects') scans.push('the table');
    if (node['Index Name']?.startsWith('subjects_')) scans.push(node['Index Name']);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(result.rows[0]!['QUERY PLAN'][0]!.Plan);
  return scans;
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: PlanNode[];
}

describe("the index on subjects' lowered names", () => {
  test('migration 030 drops subjects_lower_name; its down migration makes it again as 004 did', async () => {
    await migrateWithinTransaction(db, BEFORE_DROP);
    const made = await nameIndexDefinition();
    assert.equal(
      made,
      'CREATE INDEX subjects_lower_name ON public.subjects USING btree (lower(name) text_pattern_ops)',
    );
    await migrateToLatest(db);
    assert.equal(await nameIndexDefinition(), undefined);
    await migrateWithinTransaction(db, BEFORE_DROP);
    assert.equal(await nameIndexDefinition(), made);
    await migrateToLatest(db);
    assert.equal(await nameIndexDefinition(), undefined);
  });

  test('the whole-name and prefix matches read subjects_lower_name_keyset, searched or counted', async () => {
    await migrateToLatest(db);
    await sql`
      insert into subjects (id, kind, name, created_at) values
        (1, 'organization', 'Acme Trading Ltd', now()), (2, 'organization', 'ACME Holdings', now()),
        (3, 'person', '韩娟桐', now()), (4, 'organization', '北京鼎盛文化传媒有限公司', now())
    `.execute(db);
    await sql`analyze subjects`.execute(db);
    // A table this small is cheapest to read whole; the plans of a large one are what is checked.
    await sql`set enable_seqscan = off`.execute(db);
    const shapes = publicShapes(await loadPolicy('policies/default'), NOW);
    for (const name of ['acme', '韩娟桐', '北京']) {
      for (const toward of ['after', 'before'] as const) {
        sent.length = 0;
        await searchSubjectsByName(db, { name, shapes, now: NOW, from: null, toward, limit: 20 });
        const byRank = toward === 'after' ? [...sent] : [...sent].reverse();
        assert.equal(byRank.length, 3, `one query per kind of match (${name}, ${toward})`);
        assert.deepEqual(await subjectScans(byRank[0]!), ['subjects_lower_name_keyset'], `whole name ${name}`);
        assert.deepEqual(await subjectScans(byRank[1]!), ['subjects_lower_name_keyset'], `prefix ${name}`);
      }
      sent.length = 0;
      await countSubjectsByName(db, { name, shapes, now: NOW, cap: 200 });
      const counted = [...sent];
      assert.deepEqual(await subjectScans(counted[0]!), ['subjects_lower_name_keyset'], `whole name counted ${name}`);
    }
    await sql`reset enable_seqscan`.execute(db);
  });
});
