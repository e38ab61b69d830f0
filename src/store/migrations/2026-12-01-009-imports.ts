/**
 * Bulk uploads from the agency console: one row per upload with its running counts (updated
 * after every committed batch, so a page can show progress) and the lines it rejected, kept
 * so the clerk can download them. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table imports (
      id text primary key,
      agency_id text not null references agencies (id),
      staff_id text not null references staff_accounts (id),
      file_name text not null,
      format text not null check (format in ('ndjson', 'csv')),
      -- pending: reserved by the console's script, the file not yet received
      status text not null check (status in ('pending', 'running', 'done', 'failed')),
      bytes bigint not null default 0,
      lines integer not null default 0,
      created integer not null default 0,
      duplicate integer not null default 0,
      rejected integer not null default 0,
      error_code text,
      error_message text,
      started_at timestamptz not null,
      -- the last sign of life (reserved, started, a batch committed): the jobs fail an upload
      -- that has shown none for an hour, e.g. after its server process died
      updated_at timestamptz not null,
      finished_at timestamptz
    );
    create index imports_agency on imports (agency_id, started_at desc);

    create table import_rejects (
      import_id text not null references imports (id) on delete cascade,
      seq integer not null,
      line integer not null,
      source_ref text,
      errors jsonb not null,
      -- the parsed record, or the raw text (a JSON string) when the line could not be parsed
      input jsonb not null,
      primary key (import_id, seq)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table import_rejects;
    drop table imports;
  `.execute(db);
}
