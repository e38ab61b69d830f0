/**
 * Reads that stay flat as the city grows (issue 12). Indexes matching each keyset order (public lists, agency
 * records, disputes, deliveries), and counts kept by statement-level triggers with transition tables, in the same
 * transaction as the change: a counter per (name, key) and per-day rollups for the transparency report. Each
 * counter is sharded by the writing backend (pg_backend_pid() % 32), so concurrent imports do not queue on one
 * row; a read sums the shards. The counts live in their own schema, `read_counts`: they are derived, so a backup
 * (which copies the current schema) leaves them out and a restore recomputes them; TRUNCATE (a ledger replay)
 * zeroes them and the replayed inserts count again. `read_counts.rebuild()` recomputes every count from the base
 * tables. Decisions are counted by day when logged, so a month of inquiries dropped at the end of its retention
 * period stays in the transparency report (and a rebuild counts only the months kept). Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index list_entries_keyset on list_entries (list_id, since, subject_id) where status = 'active';
    create index list_entries_until on list_entries (until);
    create index subjects_lower_name_keyset on subjects ((lower(name) collate "C"), id);
    create index records_agency_keyset on records (agency_id, filed_at, id);
    create index records_agency_status_keyset on records (agency_id, status, filed_at, id);
    create index disputes_due_keyset on disputes (due_at, id) where status <> 'resolved';
    create index disputes_resolved_keyset on disputes (resolved_at, id) where status = 'resolved';
    create index disputes_opened_at on disputes (opened_at);
    create index notices_pending_keyset on notices (next_attempt_at, at, id) where delivery_status = 'pending';
    create index notices_oldest_pending on notices (at, id) where delivery_status = 'pending';
    create index notices_attempted_keyset on notices (delivery_status, coalesce(last_attempt_at, at), id)
      where delivery_status <> 'pending';
    create index repairs_decided_at on repairs (decided_at);

    create schema read_counts;
    create table read_counts.counters (
      name text not null, key text not null, shard smallint not null, n bigint not null,
      primary key (name, key, shard)
    );
    -- List entries by the record types they rest on and the UTC day the newest was decided: which records a
    -- policy discloses depends on their type, and disclosure periods run from the decision.
    create table read_counts.list_entries_daily (
      list_id text not null, status text not null, kind text not null, types text not null, day date not null,
      shard smallint not null, n bigint not null,
      primary key (list_id, status, kind, types, day, shard)
    );
    create table read_counts.records_filed_daily (
      day date not null, type text not null, agency_id text not null, shard smallint not null, n bigint not null,
      primary key (day, type, agency_id, shard)
    );
    create table read_counts.decisions_daily (
      day date not null, action text not null, outcome text not null, shard smallint not null, n bigint not null,
      primary key (day, action, outcome, shard)
    );
  `.execute(db);
  await sql.raw(FUNCTIONS).execute(db);
  await sql.raw(TRIGGERS).execute(db);
  await sql`select read_counts.rebuild()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger notices_counts_insert on notices;
    drop trigger notices_counts_update on notices;
    drop trigger notices_counts_delete on notices;
    drop trigger notices_counts_truncate on notices;
    drop trigger list_entries_counts_insert on list_entries;
    drop trigger list_entries_counts_update on list_entries;
    drop trigger list_entries_counts_delete on list_entries;
    drop trigger list_entries_counts_truncate on list_entries;
    drop trigger records_counts_insert on records;
    drop trigger records_counts_update on records;
    drop trigger records_counts_delete on records;
    drop trigger records_counts_truncate on records;
    drop trigger inquiries_counts_insert on inquiries;
    drop trigger inquiries_counts_delete on inquiries;
    drop trigger inquiries_counts_truncate on inquiries;
    drop schema read_counts cascade;
    drop index list_entries_keyset;
    drop index list_entries_until;
    drop index subjects_lower_name_keyset;
    drop index records_agency_keyset;
    drop index records_agency_status_keyset;
    drop index disputes_due_keyset;
    drop index disputes_resolved_keyset;
    drop index disputes_opened_at;
    drop index notices_pending_keyset;
    drop index notices_oldest_pending;
    drop index notices_attempted_keyset;
    drop index repairs_decided_at;
  `.execute(db);
}

/**
 * For a list entry `e`: the record types it rests on (sorted, comma-separated) and the UTC day the newest was
 * decided (records are never deleted, nor redated).
 */
const GROUNDS = `cross join lateral (select coalesce(string_agg(distinct r.type, ',' order by r.type), '') as types,
      coalesce((max(r.decided_at) at time zone 'UTC')::date, date '1970-01-01') as day
    from records r where r.id = any(e.record_ids)) g`;

/**
 * The counting functions. Each trigger turns its statement's transition tables into signed changes (+1 a new row,
 * -1 an old one), grouped by key, and adds them to the writer's shard in key order (a fixed lock order between
 * writers that share a shard). A function per table and operation: a transition table exists only for its own.
 */
const FUNCTIONS = `
create function read_counts.shard() returns smallint language sql volatile
  as $$ select (pg_backend_pid() % 32)::smallint $$;

create function read_counts.add_counts(counter text, deltas jsonb) returns void language sql as $$
  insert into read_counts.counters as c (name, key, shard, n)
  select counter, d.key, read_counts.shard(), d.n
  from jsonb_to_recordset(deltas) as d(key text, n bigint) where d.n <> 0 order by d.key
  on conflict (name, key, shard) do update set n = c.n + excluded.n
$$;

create function read_counts.truncated() returns trigger language plpgsql as $$
begin
  if tg_table_name = 'notices' then delete from read_counts.counters where name = 'notices.delivery_status';
  elsif tg_table_name = 'list_entries' then delete from read_counts.list_entries_daily;
  elsif tg_table_name = 'records' then
    delete from read_counts.counters where name = 'records';
    delete from read_counts.records_filed_daily;
  elsif tg_table_name = 'inquiries' then delete from read_counts.decisions_daily;
  end if;
  return null;
end $$;

-- Every count recomputed from the base tables, in one shard (0).
create function read_counts.rebuild() returns void language sql as $$
  delete from read_counts.counters;
  delete from read_counts.list_entries_daily;
  delete from read_counts.records_filed_daily;
  delete from read_counts.decisions_daily;
  insert into read_counts.counters (name, key, shard, n)
    select 'notices.delivery_status', delivery_status, 0, count(*) from notices group by 2;
  insert into read_counts.list_entries_daily (list_id, status, kind, types, day, shard, n)
    select e.list_id, e.status, s.kind, g.types, g.day, 0, count(*)
    from list_entries e join subjects s on s.id = e.subject_id ${GROUNDS} group by 1, 2, 3, 4, 5;
  insert into read_counts.counters (name, key, shard, n)
    select 'records', agency_id || '/' || status, 0, count(*) from records group by 2;
  insert into read_counts.records_filed_daily (day, type, agency_id, shard, n)
    select (filed_at at time zone 'UTC')::date, type, agency_id, 0, count(*) from records group by 1, 2, 3;
  insert into read_counts.decisions_daily (day, action, outcome, shard, n)
    select (at at time zone 'UTC')::date, coalesce(action, ''), coalesce(outcome, ''), 0, count(*) from inquiries
    where kind = 'decision' and review_id is null group by 1, 2, 3;
$$;
`;

/** What each table's trigger does with its changed rows `e` (the base columns and `n`, +1 or -1). */
const BODIES: Record<string, (changes: string) => string> = {
  notices: (e) => `
  perform read_counts.add_counts('notices.delivery_status', coalesce((
    select jsonb_agg(jsonb_build_object('key', key, 'n', n)) from
      (select delivery_status as key, sum(n) as n from (${e}) e group by 1) d), '[]'));`,
  list_entries: (e) => `
  insert into read_counts.list_entries_daily as c (list_id, status, kind, types, day, shard, n)
  select list_id, status, kind, types, day, read_counts.shard(), n from (
    select e.list_id, e.status, s.kind, g.types, g.day, sum(e.n) as n
    from (${e}) e join subjects s on s.id = e.subject_id ${GROUNDS} group by 1, 2, 3, 4, 5) d
  where n <> 0 order by list_id, status, kind, types, day
  on conflict (list_id, status, kind, types, day, shard) do update set n = c.n + excluded.n;`,
  // key: agency/status; and records filed by UTC day, type and agency
  records: (e) => `
  perform read_counts.add_counts('records', coalesce((
    select jsonb_agg(jsonb_build_object('key', key, 'n', n)) from
      (select agency_id || '/' || status as key, sum(n) as n from (${e}) e group by 1) d), '[]'));
  insert into read_counts.records_filed_daily as c (day, type, agency_id, shard, n)
  select day, type, agency_id, read_counts.shard(), n from (
    select (filed_at at time zone 'UTC')::date as day, type, agency_id, sum(n) as n from (${e}) e
    group by 1, 2, 3) d where n <> 0 order by day, type, agency_id
  on conflict (day, type, agency_id, shard) do update set n = c.n + excluded.n;`,
  // A relying service's human decision after a review is its own, not Credence's: not counted.
  inquiries: (e) => `
  insert into read_counts.decisions_daily as c (day, action, outcome, shard, n)
  select day, action, outcome, read_counts.shard(), n from (
    select (at at time zone 'UTC')::date as day, coalesce(action, '') as action, coalesce(outcome, '') as outcome,
      sum(n) as n from (${e}) e where kind = 'decision' and review_id is null group by 1, 2, 3) d
  where n <> 0 order by day, action, outcome
  on conflict (day, action, outcome, shard) do update set n = c.n + excluded.n;`,
};

/**
 * The tables whose updates can change their counts (inquiries are never updated). PostgreSQL allows no column list
 * with transition tables, so every update statement fires; rows whose counted columns did not change cancel out.
 */
const UPDATED = new Set(['notices', 'list_entries', 'records']);

const INSERTED = 'select r.*, 1 as n from new_rows r';
const DELETED = 'select r.*, -1 as n from old_rows r';

const TRIGGERS = Object.entries(BODIES)
  .map(([table, body]) => {
    const fn = (op: string, changes: string) => `
create function read_counts.${table}_${op}() returns trigger language plpgsql as $$
begin${body(changes)}
  return null;
end $$;`;
    return `${fn('inserted', INSERTED)}${fn('deleted', DELETED)}
create trigger ${table}_counts_insert after insert on ${table}
  referencing new table as new_rows for each statement execute function read_counts.${table}_inserted();
create trigger ${table}_counts_delete after delete on ${table}
  referencing old table as old_rows for each statement execute function read_counts.${table}_deleted();
create trigger ${table}_counts_truncate after truncate on ${table}
  for each statement execute function read_counts.truncated();
${
  !UPDATED.has(table)
    ? ''
    : `${fn('updated', `${INSERTED} union all ${DELETED}`)}
create trigger ${table}_counts_update after update on ${table}
  referencing old table as old_rows new table as new_rows for each statement
  execute function read_counts.${table}_updated();`
}`;
  })
  .join('\n');
