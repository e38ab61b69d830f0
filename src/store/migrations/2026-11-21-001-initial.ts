/**
 * The initial schema. Frozen in time: later changes get their own migration.
 * Tables that grow with the population are keyed by subject_id so they can be distributed
 * (Citus) by subject when one machine is outgrown.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create sequence subject_id_seq;
    create sequence record_id_seq;

    create table ledger (
      seq bigint primary key,
      at timestamptz not null,
      type text not null,
      subject_id bigint,
      -- the canonical JSON text that was hashed, byte for byte
      payload text not null,
      prev_hash text not null,
      hash text not null
    );
    create index ledger_subject on ledger (subject_id, seq) where subject_id is not null;

    create table policies (
      digest text primary key,
      id text not null,
      version text not null,
      document jsonb not null,
      stored_at timestamptz not null
    );

    create table agencies (
      id text primary key,
      kind text not null,
      name text not null,
      created_at timestamptz not null
    );

    create table principals (
      id text primary key,
      name text not null,
      role text not null check (role in ('operator', 'agency', 'relying', 'auditor', 'subject')),
      agency_id text references agencies (id),
      actions text[] not null default '{}',
      purposes text[] not null default '{}',
      subject_scheme text,
      subject_value text,
      key_hash text not null unique,
      key_prefix text not null,
      created_at timestamptz not null,
      revoked_at timestamptz
    );

    create table subjects (
      id bigint primary key,
      kind text not null check (kind in ('person', 'organization')),
      name text not null,
      created_at timestamptz not null
    );

    create table subject_identifiers (
      scheme text not null,
      value text not null,
      subject_id bigint not null references subjects (id),
      primary key (scheme, value)
    );
    create index subject_identifiers_subject on subject_identifiers (subject_id);

    create table subject_names (
      subject_id bigint not null references subjects (id),
      name text not null,
      first_seen_at timestamptz not null,
      record_id bigint,
      primary key (subject_id, name)
    );

    create table records (
      subject_id bigint not null references subjects (id),
      id bigint not null,
      agency_id text not null references agencies (id),
      source_ref text not null,
      type text not null,
      decided_at timestamptz not null,
      effective_at timestamptz not null,
      expires_at timestamptz,
      filed_at timestamptz not null,
      legal_basis text not null,
      document_ref text not null,
      summary text,
      attributes jsonb not null default '{}',
      status text not null,
      body_digest text not null,
      primary key (subject_id, id)
    );
    create unique index records_source_ref on records (agency_id, source_ref);
    create unique index records_id on records (id);

    create table subject_state (
      subject_id bigint primary key references subjects (id),
      score integer not null,
      grade text not null,
      lists jsonb not null,
      active_lists text[] not null,
      next_change_at timestamptz,
      evaluated_at timestamptz not null,
      policy_digest text not null,
      -- true when decisions for this subject can differ from an unknown subject's
      indexed boolean not null
    );
    create index subject_state_indexed on subject_state (subject_id) where indexed;
    create index subject_state_next_change on subject_state (next_change_at) where next_change_at is not null;

    create table list_entries (
      list_id text not null,
      subject_id bigint not null references subjects (id),
      status text not null,
      since timestamptz not null,
      effective_from timestamptz not null,
      until timestamptz not null,
      record_ids bigint[] not null,
      primary key (subject_id, list_id)
    );
    create index list_entries_list on list_entries (list_id, since);

    -- Every decision and report read: the subject's "who checked me". Keyed by identifier because
    -- a relying service may ask about a subject Credence has no record of.
    create table inquiries (
      subject_scheme text not null,
      subject_value text not null,
      at timestamptz not null,
      id text not null,
      kind text not null check (kind in ('decision', 'report', 'record')),
      principal_id text not null,
      action text,
      purpose text,
      outcome text,
      policy_version text
    );
    create index inquiries_subject on inquiries (subject_scheme, subject_value, at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table inquiries, list_entries, subject_state, records, subject_names, subject_identifiers,
      subjects, principals, agencies, policies, ledger;
    drop sequence record_id_seq;
    drop sequence subject_id_seq;
  `.execute(db);
}
