/**
 * Staff sign-in for the server-rendered consoles: accounts (operators and agency clerks) with a
 * memory-hard password hash, sessions kept server-side by the hash of their id, and a per-username
 * throttle for lock-out after repeated failures. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table staff_accounts (
      id text primary key,
      username text not null unique,
      role text not null check (role in ('operator', 'agency')),
      -- a clerk files for exactly one agency; an operator for none
      agency_id text references agencies (id),
      -- PHC string: $scrypt$ln=15,r=8,p=1$salt$hash (parameters travel with the hash)
      password_hash text not null,
      created_at timestamptz not null,
      disabled_at timestamptz,
      check ((role = 'agency') = (agency_id is not null))
    );

    -- The session id itself is never stored: only its SHA-256, so a copy of this table signs no one in.
    create table staff_sessions (
      id_hash text primary key,
      staff_id text not null references staff_accounts (id),
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      ended_at timestamptz
    );
    create index staff_sessions_staff on staff_sessions (staff_id) where ended_at is null;

    -- Keyed by the username as typed (normalised), known or not, so lock-out reveals nothing.
    create table staff_sign_in_throttle (
      username text primary key,
      failures integer not null,
      window_started_at timestamptz not null,
      locked_until timestamptz
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table staff_sign_in_throttle;
    drop table staff_sessions;
    drop table staff_accounts;
  `.execute(db);
}
