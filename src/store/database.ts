/**
 * Opens the database: the server at DATABASE_URL, or the embedded cluster under the data
 * directory, shared with any other Credence process using it.
 */

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { attachEmbeddedCluster } from './embedded/embedded-cluster.ts';
import type { Executor } from './executor.ts';
import type { DB } from './schema.ts';

export interface Database {
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  readonly url: string;
  close(): Promise<void>;
}

/** Wraps a connection URL in a pool and Kysely instance. Closing ends the pool only. */
export function connect(url: string, options: { poolSize?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'credence',
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url, close: () => db.destroy() };
}

/** Connects per configuration, attaching the embedded cluster when no DATABASE_URL is set. */
export async function openDatabase(
  config: Config,
  applicationName: string,
  log?: (message: string) => void,
): Promise<Database> {
  if (config.databaseUrl !== null) return connect(config.databaseUrl, { poolSize: config.dbPoolSize, applicationName });
  const cluster = await attachEmbeddedCluster({
    dataDir: config.dataDir,
    database: 'credence',
    ...(log ? { log } : {}),
  });
  const database = connect(cluster.url, { poolSize: config.dbPoolSize, applicationName });
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
