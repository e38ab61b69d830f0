/**
 * Subject sign-in for the portal: sessions of residents and organisations signed in through
 * OpenID Connect (or, in demo mode only, the development sign-in), kept server-side by the hash
 * of their id, and the short-lived state of sign-ins under way (state, nonce, PKCE verifier).
 * Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Keyed by the identifier the identity provider vouched for, not by subject id: a person
    -- with no records yet may sign in and see that their file is empty.
    create table subject_sessions (
      id_hash text primary key,
      subject_scheme text not null,
      subject_value text not null,
      via text not null check (via in ('oidc', 'demo')),
      -- the identity provider's subject (sub claim), for audit; null for the demo sign-in
      provider_subject text,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      ended_at timestamptz
    );
    create index subject_sessions_subject on subject_sessions (subject_scheme, subject_value) where ended_at is null;

    -- One row per sign-in started; taken (deleted) by the callback, so a state works once.
    create table oidc_sign_ins (
      state_hash text primary key,
      code_verifier text not null,
      nonce text not null,
      next text,
      created_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table oidc_sign_ins;
    drop table subject_sessions;
  `.execute(db);
}
