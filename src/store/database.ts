/**
 * Opens the database: the server at DATABASE_URL, or the embedded cluster under the data
 * directory, shared with any other Credence process using it.
 */

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { trackCopyConnections } from './copy-in.ts';
import { attachEmbeddedCluster } from './embedded/embedded-cluster.ts';
import type { Executor } from './executor.ts';
import type { DB } from './schema.ts';

export interface Database {
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  readonly url: string;
  close(): Promise<void>;
}

/** Where connection errors go: from idle connections, checked-out ones and long-lived ones alike. */
export type ConnectionErrorHandler = (error: unknown) => void;

export interface ConnectOptions {
  readonly poolSize?: number;
  readonly applicationName?: string;
  /**
   * Told of every error a connection raises outside a query (the server terminating it, a reset socket). Without
   * a listener such an error on a checked-out `pg` client ends the process; with one, the query in flight fails,
   * the pool drops the dead connection and opens a new one when next asked.
   */
  readonly onConnectionError?: ConnectionErrorHandler;
}

/** Wraps a connection URL in a pool and Kysely instance. Closing ends the pool only. */
export function connect(url: string, options: ConnectOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'credence',
  });
  const onError = options.onConnectionError ?? (() => undefined);
  pool.on('error', onError); // an idle connection failed; the pool has dropped it
  // Every connection, for its whole life: pg-pool listens only while a connection is idle.
  pool.on('connect', (client) => client.on('error', onError));
  trackCopyConnections(pool); // a transaction writing many rows may COPY them (copy-in.ts)
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url, close: () => db.destroy() };
}

export interface OpenDatabaseOptions {
  readonly log?: (message: string) => void;
  readonly onConnectionError?: ConnectionErrorHandler;
  /**
   * Keep the embedded cluster running while this process is attached (the server): when its postmaster dies, start
   * it again on the same port and data directory and attach again. Ignored with DATABASE_URL.
   */
  readonly supervise?: boolean;
}

/** Connects per configuration, attaching the embedded cluster when no DATABASE_URL is set. */
export async function openDatabase(
  config: Config,
  applicationName: string,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const pooled = {
    poolSize: config.dbPoolSize,
    applicationName,
    ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}),
  };
  if (config.databaseUrl !== null) return connect(config.databaseUrl, pooled);
  const cluster = await attachEmbeddedCluster({
    dataDir: config.dataDir,
    database: 'credence',
    ...(options.log ? { log: options.log } : {}),
    ...(options.supervise === true ? { supervise: true } : {}),
  });
  const database = connect(cluster.url, pooled);
  return {
    ...database,
    close: async () => {
      await database.close();
      await cluster.release();
    },
  };
}

/** Runs `select 1`: resolves when the database answers, rejects when it cannot be reached. */
export async function pingDatabase(db: Executor): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Node's socket errors that mean the server cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether `error` says the database cannot be reached, rather than that a statement failed: SQLSTATE class 08
 * (connection exception), 57P01-57P03 (the server shutting down, crashed, or not yet accepting connections), a
 * refused or reset socket, or `pg`'s own messages for a connection that ended.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (/^(08|57P0[123])/.test(code) || UNREACHABLE.has(code))) return true;
  return /Connection terminated|not queryable|timeout exceeded when trying to connect/.test(error.message);
}
