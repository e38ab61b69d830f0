/**
 * What a list entry rests on, on the entry itself (issue 12: a public list's last page as fast as its first): the
 * subject's kind, the types of the records it rests on and when the newest of them was decided. A public page shows
 * an entry only if one of its records fits a public shape (a kind, a type, decided after a cutoff), and the oldest
 * entries of a list are mostly those that do not (a reward list's commendations, disclosed to no one, outlast its
 * tax grades, disclosed for a year): the reverse scan of a last page probed every one's records and subject to pass
 * it over. With these columns in the page's index, the scan passes them over on the index alone (an index-only
 * scan, public.repository.ts).
 *
 * Written with the entry by the projection, which has the subject's file at hand (state.repository.ts
 * replaceListEntries), and filled here for the entries already there: a record's type and decision date never
 * change. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table list_entries add column subject_kind text, add column record_types text[],
      add column newest_decided_at timestamptz;
    update list_entries e set subject_kind = g.kind, record_types = g.types, newest_decided_at = g.newest
    from (select l.subject_id, l.list_id, s.kind, max(r.decided_at) as newest,
        coalesce(array_agg(distinct r.type collate "C" order by r.type collate "C")
          filter (where r.type is not null), '{}') as types
      from list_entries l join subjects s on s.id = l.subject_id
        left join records r on r.subject_id = l.subject_id and r.id = any(l.record_ids)
      group by 1, 2, 3) g
    where g.subject_id = e.subject_id and g.list_id = e.list_id;

    -- The keyset of a public list's pages, with what passes an entry over, so a page's scan reads the index alone.
    create index list_entries_grounds_keyset on list_entries (list_id, since, subject_id)
      include (subject_kind, record_types, newest_decided_at, effective_from, until) where status = 'active';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index list_entries_grounds_keyset;
    alter table list_entries drop column subject_kind, drop column record_types, drop column newest_decided_at;
  `.execute(db);
}
