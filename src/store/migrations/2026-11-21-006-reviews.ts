/**
 * Human review: a decision whose outcome is `review` opens a task for the relying service that
 * asked, written by the inquiry log's flush in the same transaction as the decision's inquiry.
 * The human decision that closes it is an inquiry too, pointing back at the task. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Keyed by identifier like inquiries: the task is opened from the decision path, which knows
    -- identifiers, not subject ids. Its id is the id of the decision that asked for review.
    create table review_tasks (
      subject_scheme text not null,
      subject_value text not null,
      id text not null,
      principal_id text not null,
      action text not null,
      purpose text not null,
      policy_version text not null,
      -- the measures (and their reasons) that asked for review: what the human must weigh
      measures jsonb not null,
      reasons text[] not null,
      opened_at timestamptz not null,
      status text not null default 'open' check (status in ('open', 'closed')),
      closed_at timestamptz,
      closed_by text,
      outcome text,
      reason text,
      reviewer text,
      legal_basis text,
      inquiry_id text,
      primary key (subject_scheme, subject_value, id)
    );
    create unique index review_tasks_id on review_tasks (id);
    create index review_tasks_queue on review_tasks (principal_id, status, opened_at, id);
    create index review_tasks_status on review_tasks (status, opened_at, id);

    -- A human decision after review is logged as a decision inquiry that names its task.
    alter table inquiries add column review_id text;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table inquiries drop column review_id;
    drop table review_tasks;
  `.execute(db);
}
