/**
 * SQL for backup and restore: the tables, sequences and applied migrations of Credence's schema (the current
 * schema, read from the catalog so a table a later migration adds is never left out), and the checks and locks
 * a restore takes. The migration bookkeeping tables are the migrator's, not data.
 */

import { sql } from 'kysely';
import type { TableShape } from './copy-session.ts';
import type { Executor } from './executor.ts';

const MIGRATION_TABLES = ['credence_migration', 'credence_migration_lock'];

/** Every table of the current schema but the migrator's, by name, with its columns and the tables it references. */
export async function getTableShapes(db: Executor): Promise<TableShape[]> {
  const { rows } = await sql<TableShape>`
    select c.relname::text as name,
      array(select a.attname::text from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        order by a.attnum) as columns,
      array(select distinct f.relname::text from pg_constraint k join pg_class f on f.oid = k.confrelid
        where k.conrelid = c.oid and k.contype = 'f' and k.confrelid <> c.oid order by 1) as references,
      c.relkind = 'p' as partitioned
    from pg_class c
    -- A partitioned table as a whole, through its parent, not partition by partition (their months vary).
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname::text <> all (${MIGRATION_TABLES}::text[])
    order by c.relname`.execute(db);
  return rows;
}

/**
 * Empties the tables into new, empty files (TRUNCATE), so that rows copied in next are laid out in the order
 * they come, with no free space of earlier rows to fill.
 */
export async function truncateTables(db: Executor, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/** The migrations applied, in order (none when the database has never been migrated). */
export async function getAppliedMigrations(db: Executor): Promise<string[]> {
  const { rows: found } = await sql<{ migrated: boolean }>`
    select to_regclass('credence_migration') is not null as migrated`.execute(db);
  if (found[0]?.migrated !== true) return [];
  const { rows } = await sql<{ name: string }>`select name from credence_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

export interface SequenceValue {
  readonly name: string;
  /** The last value handed out, or null when none has been. */
  readonly value: string | null;
}

/** Every sequence of the current schema (identity columns' too) and its last value. */
export async function getSequenceValues(db: Executor): Promise<SequenceValue[]> {
  const { rows } = await sql<SequenceValue>`
    select sequencename::text as name, last_value::text as value from pg_sequences
    where schemaname = current_schema() order by sequencename`.execute(db);
  return rows;
}

/** Sets each sequence so that its next value follows `value` (a null value leaves the sequence as created). */
export async function setSequenceValues(db: Executor, values: readonly SequenceValue[]): Promise<void> {
  for (const { name, value } of values) {
    if (value !== null) await sql`select setval(quote_ident(${name})::regclass, ${value}::bigint)`.execute(db);
  }
}

/** Locks the tables against every other reader and writer until the transaction ends. */
export async function lockTables(db: Executor, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in access exclusive mode`.execute(db);
}

/** Which of the tables hold at least one row. */
export async function getTablesWithRows(db: Executor, tables: readonly string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const probes = tables.map((t) => sql`select ${t}::text as name where exists (select from ${sql.table(t)})`);
  const { rows } = await sql<{ name: string }>`${sql.join(probes, sql` union all `)}`.execute(db);
  return rows.map((row) => row.name);
}
