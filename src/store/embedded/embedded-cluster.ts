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
 *
 * The lock dies with the postmaster, so each attached process is also recorded in a file
 * (embedded-attach-records.ts) and the cluster is stopped only when no other live process is
 * recorded either. A supervised process (the server) starts the cluster again on the same port
 * when its postmaster dies, and attaches again (embedded-supervisor.ts).
 */

import { Client, DatabaseError } from 'pg';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { otherAttachedProcesses, recordAttachment } from './embedded-attach-records.ts';
import { clusterPaths, ensureClusterInitialised, SUPERUSER } from './embedded-cluster-init.ts';
import { DEFAULT_SERVER_SETTINGS, ensureServerRunning, readLog, stopServer } from './embedded-server.ts';
import type { ServerContext } from './embedded-server.ts';
import { type AttachConnection, watchAttachment } from './embedded-supervisor.ts';
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
  /** Start the cluster again (same port) if its postmaster dies while attached, and attach again: the server. */
  readonly supervise?: boolean;
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
  const { server, password } = await prepareCluster(options);
  const { paths, log } = server;
  // Recorded before taking the lock: a process releasing meanwhile then leaves the cluster running.
  const forget = await recordAttachment(paths);
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTACH_ATTEMPTS; attempt++) {
    try {
      const port = await ensureServerRunning(server);
      return await attach(server, port, password, options, forget);
    } catch (error) {
      if (!isTransient(error)) {
        await forget();
        throw error;
      }
      lastError = error;
      log(
        `attaching to the embedded PostgreSQL failed (attempt ${attempt} of ${ATTACH_ATTEMPTS}): ${messageOf(error)}`,
      );
      if (attempt < ATTACH_ATTEMPTS) await sleep(100 * 2 ** attempt);
    }
  }
  await forget();
  const logTail = (await readLog(paths.logFile)).split('\n').slice(-LOG_TAIL_LINES).join('\n');
  throw new CredenceError(
    'CRD_DATABASE_UNAVAILABLE',
    `Could not use the embedded PostgreSQL in ${paths.clusterDir}: ${messageOf(lastError)}\n` +
      `Last lines of ${paths.logFile}:\n${logTail}`,
  );
}

/** Finds the binaries and the OS account, and creates the cluster if there is none. */
async function prepareCluster(options: EmbeddedClusterOptions): Promise<{ server: ServerContext; password: string }> {
  const log = options.log ?? (() => undefined);
  let paths = clusterPaths(options.dataDir);
  const settings = { ...DEFAULT_SERVER_SETTINGS, ...options.serverSettings };
  try {
    const user = await resolveServerUser(log);
    const found = await loadPgBinaries();
    const binaries = user === undefined ? found : await binariesForServerAccount(found, log);
    if (user !== undefined) paths = clusterPaths(await dataDirForServerAccount(options.dataDir, log));
    const server = { paths, binaries, user, log, settings };
    return { server, password: await ensureClusterInitialised(server) };
  } catch (error) {
    if (isCredenceError(error)) throw error;
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `Could not prepare ${paths.clusterDir}: ${messageOf(error)}`);
  }
}

async function attach(
  server: ServerContext,
  port: number,
  password: string,
  options: EmbeddedClusterOptions,
  forget: () => Promise<void>,
): Promise<EmbeddedCluster> {
  const connect = () => connectAttached(port, password);
  const first = await connect();
  try {
    await ensureDatabase(first.client, options.database, server.log);
  } catch (error) {
    await first.client.end().catch(() => undefined);
    throw error;
  }
  const watch = watchAttachment(first, server.log, options.supervise === true ? { server, port, connect } : undefined);
  const base = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}`;
  let releasing: Promise<void> | undefined;
  const release = async (): Promise<void> => {
    await watch.stop();
    const { client } = watch.current();
    try {
      if ((await isLastAttached(client, server.log)) && (await isLastRecorded(server))) await stopServer(server);
    } finally {
      await client.end().catch(() => undefined);
      await forget();
    }
  };
  return {
    url: `${base}/${encodeURIComponent(options.database)}`,
    adminUrl: `${base}/postgres`,
    port,
    release: () => (releasing ??= release()),
  };
}

/** A connection holding the shared attach lock. */
async function connectAttached(port: number, password: string): Promise<AttachConnection> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres', // advisory locks are per database: every process must use the same one
    application_name: ATTACH_APPLICATION_NAME,
    connectionTimeoutMillis: 10_000,
  });
  let lostBecause = 'the connection closed';
  client.on('error', (error) => (lostBecause = error.message));
  const lost = new Promise<string>((resolve) => client.once('end', () => resolve(lostBecause)));
  try {
    await client.connect();
    // Blocks while another process holds the lock exclusively to stop the server; the stop then
    // ends this connection and the caller retries.
    await client.query('select pg_advisory_lock_shared($1)', [ATTACH_LOCK_KEY]);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return { client, lost };
}

/** Whether no other live process is recorded as attached (one whose lock died with a crashed postmaster). */
async function isLastRecorded(server: ServerContext): Promise<boolean> {
  const others = await otherAttachedProcesses(server.paths);
  if (others.length === 0) return true;
  server.log(`left the embedded PostgreSQL running for the Credence processes attached to it (${others.join(', ')})`);
  return false;
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
