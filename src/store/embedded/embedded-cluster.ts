/**
 * The embedded PostgreSQL cluster under the data directory, shared by every Credence process on
 * the machine (the server and any CLI commands, started in any order). Use it when no
 * DATABASE_URL is configured.
 *
 * Sharing protocol: each attached process keeps one dedicated connection holding a *shared*
 * advisory lock. Whoever needs the cluster starts it if it is not running. On release a process
 * drops its shared lock and tries to take the lock *exclusively*: success means no other Credence
 * process is attached, so it stops the cluster (still holding the lock, so nobody can attach in
 * between); otherwise it leaves the cluster running for the others. A newcomer that arrives while
 * a stop is under way loses its connection and simply attaches again, restarting the cluster.
 */

import { Client, DatabaseError } from 'pg';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { clusterPaths, ensureClusterInitialised, SUPERUSER } from './embedded-cluster-init.ts';
import { DEFAULT_SERVER_SETTINGS, ensureServerRunning, readLog, stopServer } from './embedded-server.ts';
import type { ServerContext } from './embedded-server.ts';
import { resolveServerUser } from './os-user.ts';
import { loadPgBinaries } from './pg-binaries.ts';
import { binariesForServerAccount, dataDirForServerAccount } from './pg-relocate.ts';

export interface EmbeddedClusterOptions {
  /** Credence's data directory; the cluster lives in `${dataDir}/postgres`. */
  readonly dataDir: string;
  /** The database `url` points at, created if missing. */
  readonly database: string;
  readonly log?: (message: string) => void;
  /** Server settings over DEFAULT_SERVER_SETTINGS; they apply only if this process starts the server. */
  readonly serverSettings?: Readonly<Record<string, string>>;
}

export interface EmbeddedCluster {
  /** Superuser connection URL to `options.database`. */
  readonly url: string;
  /** Superuser connection URL to the `postgres` maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  /** Detaches this process; stops the cluster if no other Credence process is attached. Idempotent. */
  release(): Promise<void>;
}

/** 'CREDENCE' in ASCII, read as a bigint. */
const ATTACH_LOCK_KEY = '4851015908154295109';
const ATTACH_APPLICATION_NAME = 'credence-attach';
const ATTACH_ATTEMPTS = 6;
const LOG_TAIL_LINES = 15;

/** Attaches this process to the embedded cluster, creating and starting it as needed. */
export async function attachEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => undefined);
  let paths = clusterPaths(options.dataDir);
  const settings = { ...DEFAULT_SERVER_SETTINGS, ...options.serverSettings };
  let server: ServerContext;
  let password: string;
  try {
    const user = await resolveServerUser(log);
    const found = await loadPgBinaries();
    const binaries = user === undefined ? found : await binariesForServerAccount(found, log);
    if (user !== undefined) paths = clusterPaths(await dataDirForServerAccount(options.dataDir, log));
    server = { paths, binaries, user, log, settings };
    password = await ensureClusterInitialised(server);
  } catch (error) {
    if (isCredenceError(error)) throw error;
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `Could not prepare ${paths.clusterDir}: ${messageOf(error)}`);
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTACH_ATTEMPTS; attempt++) {
    try {
      const port = await ensureServerRunning(server);
      return await attach(server, port, password, options.database);
    } catch (error) {
      if (!isTransient(error)) throw error;
      lastError = error;
      log(
        `attaching to the embedded PostgreSQL failed (attempt ${attempt} of ${ATTACH_ATTEMPTS}): ${messageOf(error)}`,
      );
      if (attempt < ATTACH_ATTEMPTS) await sleep(100 * 2 ** attempt);
    }
  }
  const logTail = (await readLog(paths.logFile)).split('\n').slice(-LOG_TAIL_LINES).join('\n');
  throw new CredenceError(
    'CRD_DATABASE_UNAVAILABLE',
    `Could not use the embedded PostgreSQL in ${paths.clusterDir}: ${messageOf(lastError)}\n` +
      `Last lines of ${paths.logFile}:\n${logTail}`,
  );
}

async function attach(
  server: ServerContext,
  port: number,
  password: string,
  database: string,
): Promise<EmbeddedCluster> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres', // advisory locks are per database: every process must use the same one
    application_name: ATTACH_APPLICATION_NAME,
    connectionTimeoutMillis: 10_000,
  });
  let released = false;
  let lostBecause = 'the connection closed';
  client.on('error', (error) => (lostBecause = error.message));
  try {
    await client.connect();
    // Blocks while another process holds the lock exclusively to stop the server; the stop then
    // ends this connection and the caller retries.
    await client.query('select pg_advisory_lock_shared($1)', [ATTACH_LOCK_KEY]);
    await ensureDatabase(client, database, server.log);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  client.on('end', () => {
    if (released) return;
    server.log(
      `lost the embedded PostgreSQL attach connection (${lostBecause}); ` +
        'this process no longer keeps the cluster running',
    );
  });

  const base = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}`;
  let releasing: Promise<void> | undefined;
  const release = async (): Promise<void> => {
    released = true;
    try {
      if (await isLastAttached(client, server.log)) await stopServer(server);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return {
    url: `${base}/${encodeURIComponent(database)}`,
    adminUrl: `${base}/postgres`,
    port,
    release: () => (releasing ??= release()),
  };
}

/** Swaps our shared lock for an exclusive one; true when no other process holds it. */
async function isLastAttached(client: Client, log: (message: string) => void): Promise<boolean> {
  try {
    await client.query('select pg_advisory_unlock_shared($1)', [ATTACH_LOCK_KEY]);
    const { rows } = await client.query<{ last: boolean }>('select pg_try_advisory_lock($1) as last', [
      ATTACH_LOCK_KEY,
    ]);
    if (rows[0]?.last === true) return true;
    log('left the embedded PostgreSQL running for the other Credence processes attached to it');
  } catch (error) {
    log(`could not release the embedded PostgreSQL cleanly, leaving it as it is: ${messageOf(error)}`);
  }
  return false;
}

async function ensureDatabase(client: Client, database: string, log: (message: string) => void): Promise<void> {
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
  if (rowCount !== 0) return;
  try {
    await client.query(`create database "${database.replaceAll('"', '""')}"`);
    log(`created database ${database}`);
  } catch (error) {
    // A racing process made it: PostgreSQL reports duplicate_database, or unique_violation on
    // pg_database when both commands got past the existence check.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  }
}

/**
 * Connection trouble, start races and a server starting or shutting down are worth another
 * attempt. CredenceErrors (a server that cannot start) and other SQL errors are not.
 */
function isTransient(error: unknown): boolean {
  if (isCredenceError(error)) return false;
  if (!(error instanceof DatabaseError)) return true;
  const code = error.code ?? '';
  // 08: connection exception; 53: insufficient resources; 57P: shutdown, cannot connect now.
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
