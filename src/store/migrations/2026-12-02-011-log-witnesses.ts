/**
 * Witnessed publication of the transparency log (issue 9). `log_witnesses`: each witness the log submits to,
 * by verifier key, with what the log knows of it (the size it last cosigned, the size it last said it knows,
 * since when it fails and when to try it next). `log_cosignatures`: each verified cosignature line, per
 * checkpoint and witness. `log_publication`: one row, the quorum the running server publishes with, so that
 * every process (server and CLI) serves the same published checkpoint. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table log_witnesses (
      verifier_key text primary key,
      url text not null,
      -- configured now (a witness dropped from the configuration keeps its history, uncounted)
      active boolean not null,
      cosigned_size bigint,
      known_size bigint,
      failures integer not null default 0,
      failing_since timestamptz,
      next_attempt_at timestamptz,
      last_error text
    );

    create table log_cosignatures (
      size bigint not null references log_checkpoints (size),
      verifier_key text not null references log_witnesses (verifier_key),
      -- the witness's cosignature/v1 line, verified, without its newline
      line text not null,
      primary key (size, verifier_key)
    );

    create table log_publication (
      id boolean primary key default true check (id),
      quorum integer not null check (quorum >= 0)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table log_publication;
    drop table log_cosignatures;
    drop table log_witnesses;
  `.execute(db);
}
