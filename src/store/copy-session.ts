/**
 * One connection holding one transaction, for backup and restore: a Kysely on that connection for ordinary SQL,
 * and COPY (pg-copy-streams) for each table's data. A backup reads in a REPEATABLE READ, READ ONLY transaction,
 * so every table comes from the same snapshot; a restore writes everything in one transaction, or nothing.
 *
 * COPY text is made byte-for-byte reproducible, so that a checksum taken at backup holds after a restore: the
 * session fixes every setting that changes how a value is written (time zone, date and interval styles, float
 * digits, bytea output, encoding), and rows come in their physical order (ctid). A restore copies them into
 * freshly truncated tables, which lays them out in the same order: reading them back gives the same bytes, and
 * the restored tables keep the original's row order, so even a query that leaves the order of ties open answers
 * as it did.
 */

import type { Readable, Writable } from 'node:stream';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DB } from './schema.ts';

/** A table as backed up: its columns in order, and the tables it references. */
export interface TableShape {
  readonly name: string;
  readonly columns: readonly string[];
  /** The tables its foreign keys reference (other than itself). */
  readonly references: readonly string[];
  /**
   * A partitioned table (inquiries, by month) is backed up and restored as one table through its parent. Its rows
   * have no one physical order (each partition has its own, and a restore routes them to the partitions that exist
   * then): they come ordered by their text instead, which is as reproducible.
   */
  readonly partitioned: boolean;
}

export interface CopySession {
  /** Kysely on the session's connection, inside its transaction. */
  readonly db: Kysely<DB>;
  /** The table's rows as COPY text, in their physical order. */
  copyOut(table: TableShape): Readable;
  /** A stream taking COPY text into the table's columns. */
  copyIn(table: string, columns: readonly string[]): Writable;
  commit(): Promise<void>;
  /**
   * Returns the connection. Unless the transaction was committed, the connection is closed instead, and the server
   * rolls the transaction back: a rollback sent after a COPY that stopped half way would wait behind it for ever.
   */
  close(): void;
}

const REPRODUCIBLE_OUTPUT = `set local timezone = 'UTC'; set local datestyle = 'ISO, YMD';
  set local intervalstyle = 'postgres'; set local extra_float_digits = 3; set local bytea_output = 'hex';
  set local client_encoding = 'UTF8';
  set local statement_timeout = 0; set local idle_in_transaction_session_timeout = 0`;

/** A read-only REPEATABLE READ transaction: one consistent snapshot of every table. */
export function openSnapshotSession(pool: pg.Pool): Promise<CopySession> {
  return openSession(pool, 'begin isolation level repeatable read, read only');
}

/** A read-write transaction for a restore. */
export function openRestoreSession(pool: pg.Pool): Promise<CopySession> {
  return openSession(pool, 'begin');
}

async function openSession(pool: pg.Pool, begin: string): Promise<CopySession> {
  const client = await pool.connect();
  let committed = false;
  try {
    await client.query(begin);
    await client.query(REPRODUCIBLE_OUTPUT);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  const id = (name: string) => client.escapeIdentifier(name);
  return {
    db: kyselyOn(client),
    copyOut: (table) => {
      const order = table.partitioned ? `(${id(table.name)}.*)::text collate "C"` : 'ctid';
      const columns = table.columns.map(id).join(', ');
      return client.query(copyTo(`copy (select ${columns} from ${id(table.name)} order by ${order}) to stdout`));
    },
    copyIn: (table, columns) => client.query(copyFrom(`copy ${id(table)} (${columns.map(id).join(', ')}) from stdin`)),
    commit: async () => {
      await client.query('commit');
      committed = true;
    },
    close: () => client.release(committed ? undefined : new Error('the session ended without a commit')),
  };
}

/** A Kysely whose one connection is `client`: its queries run inside the session's transaction. */
function kyselyOn(client: pg.PoolClient): Kysely<DB> {
  const held = { query: client.query.bind(client), release: () => undefined };
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: async () => held, end: async () => undefined } }),
  });
}
