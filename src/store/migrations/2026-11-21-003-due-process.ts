/**
 * Due process: superseded record versions, disputes and credit repair applications. All three
 * are projections of ledger events (record.corrected, dispute.*, repair.*), so a replay
 * truncates and rebuilds them. Keyed by subject_id like records. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One row per superseded version of a record: the full content as it was, and why it changed.
    create table record_versions (
      subject_id bigint not null,
      record_id bigint not null,
      version integer not null,
      content jsonb not null,
      superseded_at timestamptz not null,
      superseded_by text not null,
      reason text not null,
      primary key (subject_id, record_id, version)
    );
    create index record_versions_record on record_versions (record_id, version);

    create table disputes (
      subject_id bigint not null,
      id text not null,
      record_id bigint not null,
      agency_id text not null,
      opened_by text not null,
      statement text not null,
      status text not null check (status in ('open', 'overdue', 'resolved')),
      opened_at timestamptz not null,
      due_at timestamptz not null,
      overdue_at timestamptz,
      resolved_at timestamptz,
      resolved_by text,
      outcome text check (outcome in ('upheld', 'corrected', 'revoked')),
      resolution_reason text,
      -- FCRA § 611(b): after an upheld dispute the subject may have a statement shown with the record.
      subject_statement text,
      subject_statement_at timestamptz,
      primary key (subject_id, id)
    );
    create unique index disputes_id on disputes (id);
    create unique index disputes_one_unresolved on disputes (record_id) where status <> 'resolved';
    create index disputes_agency_due on disputes (agency_id, due_at);
    create index disputes_due on disputes (due_at) where status = 'open';
    create index disputes_record on disputes (record_id);

    create table repairs (
      subject_id bigint not null,
      id text not null,
      record_id bigint not null,
      agency_id text not null,
      applied_by text not null,
      evidence text not null,
      document_ref text,
      performed boolean not null,
      status text not null check (status in ('pending', 'approved', 'refused')),
      applied_at timestamptz not null,
      decided_at timestamptz,
      decided_by text,
      decision_reason text,
      primary key (subject_id, id)
    );
    create unique index repairs_id on repairs (id);
    create unique index repairs_one_pending on repairs (record_id) where status = 'pending';
    create index repairs_agency on repairs (agency_id, status, applied_at);
    create index repairs_record on repairs (record_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table repairs, disputes, record_versions`.execute(db);
}
