/**
 * Related persons (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6): a person's role in an organisation,
 * filed by the registration authority. A projection of `relationship.filed` and `relationship.revoked` events, so a
 * replay truncates and rebuilds it. Keyed by the person (the subject whose decisions it changes), found by the
 * organisation too. `subject_state.related` holds the measures that bind a person through an organisation's
 * listing, for the decision index. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create sequence relationship_id_seq;
    create table relationships (
      person_id bigint not null references subjects (id),
      id bigint not null,
      organization_id bigint not null references subjects (id),
      agency_id text not null references agencies (id),
      source_ref text not null,
      role text not null,
      valid_from timestamptz not null,
      valid_until timestamptz,
      legal_basis text not null,
      document_ref text not null,
      filed_at timestamptz not null,
      status text not null check (status in ('active', 'revoked')),
      revoked_at timestamptz,
      revocation_reason text,
      body_digest text not null,
      primary key (person_id, id)
    );
    create unique index relationships_source_ref on relationships (agency_id, source_ref);
    create unique index relationships_id on relationships (id);
    create index relationships_organization on relationships (organization_id);
    alter table subject_state add column related jsonb not null default '[]';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table subject_state drop column related;
    drop table relationships;
    drop sequence relationship_id_seq;
  `.execute(db);
}
