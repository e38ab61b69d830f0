/**
 * Inquiries partitioned by month (issue 12): PostgreSQL declarative partitioning by range of `at`, one partition
 * a month (`inquiries_YYYY_MM`, UTC months) and a DEFAULT partition, so that no inquiry is ever refused for want
 * of a partition. The scheduled jobs create the months ahead and drop those past the policy's retention
 * (`inquiries.retention`) with `credence_add_inquiry_month`; dropping a month is a file removed, not a DELETE.
 * Each partition has its own `inquiries_subject` (scheme, value, at) index, so a subject's inquiries are read
 * through one index per month. The BRIN index on `at` goes: the months are the time index now.
 *
 * Each flush of the decision log writes through `credence_insert_inquiries`, whose INSERT PL/pgSQL plans once
 * per connection: a flush costs the database no parse or plan. Existing rows are copied into their months.
 * Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

const COLUMNS = sql.raw(
  'subject_scheme, subject_value, at, id, kind, principal_id, action, purpose, outcome, policy_version, review_id',
);

/** The table as migrations 001 and 006 left it. */
const DEFINITION = sql.raw(`
  subject_scheme text not null,
  subject_value text not null,
  at timestamptz not null,
  id text not null,
  kind text not null check (kind in ('decision', 'report', 'record')),
  principal_id text not null,
  action text,
  purpose text,
  outcome text,
  policy_version text,
  review_id text`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table inquiries rename to inquiries_unpartitioned;
    alter index inquiries_subject rename to inquiries_unpartitioned_subject;
    drop index inquiries_at_brin;

    create table inquiries (${DEFINITION}) partition by range (at);
    create index inquiries_subject on inquiries (subject_scheme, subject_value, at);
    create table inquiries_default partition of inquiries default;

    -- The month (UTC) that holds month_start, as a partition of its own; its rows move out of DEFAULT. False if it
    -- exists. Inserts into other months go on meanwhile; one that would land in DEFAULT waits for the commit.
    create function credence_add_inquiry_month(month_start date) returns boolean language plpgsql as $$
    declare
      name text := 'inquiries_' || to_char(month_start, 'YYYY_MM');
      lo timestamptz := date_trunc('month', month_start::timestamp) at time zone 'UTC';
      hi timestamptz := (date_trunc('month', month_start::timestamp) + interval '1 month') at time zone 'UTC';
    begin
      -- One at a time (two servers' jobs may run at once); the second finds the month made.
      perform pg_advisory_xact_lock(hashtext('credence_add_inquiry_month'));
      if to_regclass(name) is not null then
        return false;
      end if;
      lock table inquiries_default in share row exclusive mode;
      execute format('create table %I (like inquiries including defaults including constraints)', name);
      execute format(
        'with moved as (delete from inquiries_default where at >= $1 and at < $2 returning *) '
        'insert into %I select * from moved', name) using lo, hi;
      execute format('alter table inquiries attach partition %I for values from (%L) to (%L)', name, lo, hi);
      return true;
    end $$;

    -- One flush of the decision log, column by column: one statement planned once per connection.
    create function credence_insert_inquiries(text[], text[], timestamptz[], text[], text[], text[], text[],
      text[], text[], text[]) returns void language plpgsql as $$
    begin
      insert into inquiries
        (subject_scheme, subject_value, at, id, kind, principal_id, action, purpose, outcome, policy_version)
      select * from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
    end $$;

    -- The months that hold inquiries already, and this month and the next two.
    select credence_add_inquiry_month(m::date) from (
      select distinct date_trunc('month', at at time zone 'UTC') as m from inquiries_unpartitioned
      union
      select date_trunc('month', now() at time zone 'UTC') + n * interval '1 month' from generate_series(0, 2) n
    ) months order by m;
  `.execute(db);
  await sql`
    insert into inquiries (${COLUMNS}) select ${COLUMNS} from inquiries_unpartitioned;
    drop table inquiries_unpartitioned;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table inquiries rename to inquiries_partitioned;
    alter index inquiries_subject rename to inquiries_partitioned_subject;
    create table inquiries (${DEFINITION});
    insert into inquiries (${COLUMNS}) select ${COLUMNS} from inquiries_partitioned;
    drop table inquiries_partitioned;
    drop function credence_insert_inquiries(text[], text[], timestamptz[], text[], text[], text[], text[], text[],
      text[], text[]);
    drop function credence_add_inquiry_month(date);
    create index inquiries_subject on inquiries (subject_scheme, subject_value, at);
    create index inquiries_at_brin on inquiries using brin (at);
  `.execute(db);
}
