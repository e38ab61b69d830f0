/**
 * Operators' notes on records (issue 13): what the registry's operator adds to a record is its own entry, attributed
 * to the operator's key, never written into the subject's statement (FCRA § 611(b): the statement is the consumer's
 * own). A projection of `record.noted` ledger events, so a replay truncates and rebuilds it. Keyed by subject_id like
 * records. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table record_notes (
      subject_id bigint not null,
      id text not null,
      record_id bigint not null,
      principal_id text not null,
      text text not null,
      at timestamptz not null,
      primary key (subject_id, id)
    );
    create index record_notes_record on record_notes (record_id, at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table record_notes`.execute(db);
}
