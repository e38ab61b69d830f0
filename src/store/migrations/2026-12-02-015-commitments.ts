/**
 * Credit commitments (issue 10; NDRC Order No. 36 (2025), Guo Ban Fa [2019] 35): a subject's public commitment, in
 * their own words, optionally made for one record (`scope_record_id`, e.g. the record they apply to repair). A
 * projection of `commitment.made` ledger events, so a replay truncates and rebuilds it. Keyed by subject_id like
 * records. A repair application names the commitment it rests on. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table commitments (
      subject_id bigint not null,
      id text not null,
      text text not null,
      scope_record_id bigint,
      made_by text not null,
      -- The written commitment (信用承诺书) an operator files on the subject's behalf.
      document_ref text,
      made_at timestamptz not null,
      primary key (subject_id, id)
    );
    create unique index commitments_id on commitments (id);
    create index commitments_subject on commitments (subject_id, made_at);
    -- The commitment a repair application rests on (null for those made before commitments were required).
    alter table repairs add column commitment_id text;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table repairs drop column commitment_id; drop table commitments`.execute(db);
}
