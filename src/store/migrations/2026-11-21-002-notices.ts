/**
 * Notices to subjects, written in the same transaction as the change they report, which makes
 * this table the transactional outbox for webhook delivery. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- No foreign key to subjects: notices are sent messages and outlive a ledger replay, which
    -- rebuilds subjects with the same ids.
    create table notices (
      subject_id bigint not null,
      id text not null,
      at timestamptz not null,
      kind text not null,
      agency_id text,
      record_id bigint,
      list_id text,
      legal_basis text not null,
      what text not null,
      consequences jsonb not null,
      how_to_dispute text,
      dispute_by timestamptz,
      delivery_status text not null default 'pending' check (delivery_status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      delivered_at timestamptz,
      primary key (subject_id, id)
    );
    create unique index notices_id on notices (id);
    create index notices_subject_at on notices (subject_id, at);
    create index notices_due on notices (next_attempt_at) where delivery_status = 'pending';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table notices`.execute(db);
}
