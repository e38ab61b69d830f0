import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { aCourtRecord, aResidentId } from './support/factories.ts';
import { startTestRegistry, type TestRegistry } from './support/registry.ts';

let t: TestRegistry;
const debtor = aResidentId();
const other = aResidentId();

before(async () => {
  t = await startTestRegistry(new Date('2026-11-01T00:00:00Z'));
  const court = await t.keyFor({ role: 'agency', name: 'Haidian Court', agency_kind: 'court' });
  await t.file(court, aCourtRecord({ subjectId: debtor, name: '李四' }));
  await t.file(court, aCourtRecord({ subjectId: other, name: '王五' }));
});
after(() => t.close());

const grounds = async (id: string) =>
  (
    await sql<{ subject_kind: string | null; record_types: string[] | null; newest_decided_at: Date | null }>`
      select e.subject_kind, e.record_types, e.newest_decided_at from list_entries e
      join subject_identifiers i on i.subject_id = e.subject_id
      where i.value = ${id} and e.list_id = 'judgment-defaulters'`.execute(t.registry.rt.db)
  ).rows[0];

/** The names on the judgment debtors' list's first page (identifiers are masked there). */
const members = async () => {
  const page = await t.app.inject({ url: '/v1/public/lists/judgment-defaulters' });
  return (page.json() as { members: { name: string }[] }).members.map((m) => m.name);
};

describe('what a list entry rests on (migration 023)', () => {
  test("an entry carries its subject's kind, its records' types and the newest one's decision", async () => {
    assert.deepEqual(await grounds(debtor), {
      subject_kind: 'person',
      record_types: ['court.judgment_default'],
      newest_decided_at: new Date('2026-10-01T00:00:00Z'),
    });
  });

  test(
    'a public page passes over an entry whose records cannot fit a public shape, ' + 'and probes one not yet filled',
    async () => {
      assert.ok((await members()).includes('李四'), 'public before');
      const db = t.registry.rt.db;
      const set = (kind: string | null, types: string[]) =>
        sql`update list_entries e set subject_kind = ${kind}, record_types = ${types}::text[]
        from subject_identifiers i where i.subject_id = e.subject_id and i.value = ${debtor}`.execute(db);
      await set('person', []);
      assert.ok(!(await members()).includes('李四'), 'passed over: it rests on no record of a public type');
      assert.ok((await members()).includes('王五'));
      await set(null, []);
      assert.ok((await members()).includes('李四'), 'a row without the columns is probed');
      await set('person', ['court.judgment_default']);
    },
  );
});
