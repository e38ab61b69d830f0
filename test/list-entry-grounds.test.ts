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

  test('pages read on past a run of entries whose records do not fit, longer than a scan, both ways', async () => {
    const court = await t.keyFor({ role: 'agency', name: 'Chaoyang Court', agency_kind: 'court' });
    for (let i = 0; i < 40; i += 1) await t.file(court, aCourtRecord({ name: `赵${i}` }));
    const db = t.registry.rt.db;
    const order = (
      await sql<{ subject_id: string; name: string }>`
        select e.subject_id::text as subject_id, s.name from list_entries e join subjects s on s.id = e.subject_id
        where e.list_id = 'judgment-defaulters' order by e.since desc, e.subject_id desc`.execute(db)
    ).rows;
    const [newest, oldest] = [order[0]!, order.at(-1)!];
    // The index still says the entries may fit (a person, a judgment default, recent); their records say not yet.
    await sql`update records set effective_at = '2099-01-01' where subject_id = any(${order
      .slice(1, -1)
      .map((r) => r.subject_id)}::bigint[])`.execute(db);
    const read = async (query: string) =>
      (await t.app.inject({ url: `/v1/public/lists/judgment-defaulters?page_size=1${query}` })).json() as {
        members: { name: string }[];
        next: string | null;
        previous: string | null;
        last: string | null;
      };
    const first = await read('');
    assert.deepEqual(
      first.members.map((m) => m.name),
      [newest.name],
    );
    const second = await read(`&after=${first.next}`);
    assert.deepEqual(
      second.members.map((m) => m.name),
      [oldest.name],
      'the 40 entries between are passed over, a scan of 12 at a time',
    );
    assert.equal(second.next, null, 'nothing after it');
    const last = await read(`&after=${first.last}`);
    assert.deepEqual(
      last.members.map((m) => m.name),
      [oldest.name],
    );
    assert.deepEqual(
      (await read(`&after=${last.previous}`)).members.map((m) => m.name),
      [newest.name],
      'read backwards',
    );
  });
});
