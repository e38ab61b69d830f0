/**
 * First-time creation of the embedded PostgreSQL cluster under the data directory. Several
 * Credence processes may start at once on a fresh data directory, so creation runs under an
 * exclusive lock file, and the cluster is built in a staging directory then renamed into place:
 * a cluster directory with a PG_VERSION file is always complete.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, chmod, chown, mkdir, open, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CredenceError } from '../../errors.ts';
import type { OsUser } from './os-user.ts';
import { runPgTool } from './pg-binaries.ts';
import type { PgBinaries } from './pg-binaries.ts';

export const SUPERUSER = 'credence';

export interface ClusterPaths {
  readonly dataDir: string;
  /** The PostgreSQL data directory, owned by the server's OS user. */
  readonly clusterDir: string;
  /** The superuser password, readable only by the user running Credence. */
  readonly passwordFile: string;
  readonly logFile: string;
  /** The port the cluster was last started on, which every later start prefers (see embedded-server.ts). */
  readonly portFile: string;
  /** One file per process attached to the cluster (see embedded-attach-records.ts). */
  readonly attachedDir: string;
}

export function clusterPaths(dataDir: string): ClusterPaths {
  const absolute = path.resolve(dataDir);
  const clusterDir = path.join(absolute, 'postgres');
  return {
    dataDir: absolute,
    clusterDir,
    passwordFile: path.join(absolute, 'postgres.password'),
    logFile: path.join(clusterDir, 'server.log'),
    portFile: path.join(absolute, 'postgres.port'),
    attachedDir: path.join(absolute, 'postgres.attached'),
  };
}

export interface InitContext {
  readonly paths: ClusterPaths;
  readonly binaries: PgBinaries;
  readonly user: OsUser | undefined;
  readonly log: (message: string) => void;
}

const INITDB_OUTPUT_LINES = 5;
const LOCK_WAIT_MS = 120_000;
/** A lock file that never received its owner's pid is abandoned after this long. */
const UNCLAIMED_LOCK_MS = 10_000;

/** Creates the cluster if needed and returns the superuser password. */
export async function ensureClusterInitialised(context: InitContext): Promise<string> {
  const { paths } = context;
  await mkdir(paths.dataDir, { recursive: true });
  if (!(await exists(path.join(paths.clusterDir, 'PG_VERSION')))) {
    await withInitLock(paths.dataDir, async () => {
      // Another process may have finished while we waited for the lock.
      if (!(await exists(path.join(paths.clusterDir, 'PG_VERSION')))) await initialiseCluster(context);
    });
  }
  try {
    return (await readFile(paths.passwordFile, 'utf8')).trim();
  } catch {
    const message =
      `The embedded PostgreSQL cluster in ${paths.clusterDir} ` + `has no password file ${paths.passwordFile}.`;
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', message);
  }
}

async function initialiseCluster({ paths, binaries, user, log }: InitContext): Promise<void> {
  const started = Date.now();
  log(`creating the embedded PostgreSQL cluster in ${paths.clusterDir}`);
  const staging = `${paths.clusterDir}.initdb`;
  const pwfile = `${paths.clusterDir}.initdb-password`;
  await rm(staging, { recursive: true, force: true }); // left by a crashed attempt
  await mkdir(staging, { mode: 0o700 });
  const password = randomBytes(24).toString('hex'); // hex: safe unescaped in a URL
  await writePrivateFile(`${paths.passwordFile}.tmp`, password);
  await writePrivateFile(pwfile, password);
  if (user !== undefined) {
    await chown(staging, user.uid, user.gid);
    await chown(pwfile, user.uid, user.gid);
  }
  try {
    await runInitdb({ paths, binaries, user, log }, staging, pwfile);
  } finally {
    await rm(pwfile, { force: true });
  }
  // Password first, cluster second: a PG_VERSION file implies the password file exists.
  await rename(`${paths.passwordFile}.tmp`, paths.passwordFile);
  await rmdir(paths.clusterDir).catch(() => undefined); // an empty directory would block the rename
  await rename(staging, paths.clusterDir);
  log(`created the embedded PostgreSQL cluster in ${Date.now() - started} ms`);
}

async function runInitdb({ paths, binaries, user }: InitContext, pgdata: string, pwfile: string): Promise<void> {
  const result = await runPgTool(
    binaries.initdb,
    [
      `--pgdata=${pgdata}`,
      '--auth=scram-sha-256',
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C',
      // Unicode-aware upper()/lower() and a stable sort order, independent of the OS's locales.
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ],
    { user, cwd: paths.dataDir },
  );
  if (result.code !== 0) {
    throw new CredenceError(
      'CRD_DATABASE_UNAVAILABLE',
      `initdb failed for ${paths.clusterDir}${accessHint(user, result.output)}:\n` +
        result.output.split('\n').slice(-INITDB_OUTPUT_LINES).join('\n'),
    );
  }
}

/** Explains a permission failure when PostgreSQL runs as another OS user. */
export function accessHint(user: OsUser | undefined, output: string): string {
  if (user === undefined || !/permission denied/i.test(output)) return '';
  return (
    ` (PostgreSQL runs as the ${user.name} OS user, which must be able to reach the data directory` +
    ' and node_modules: every parent directory needs o+x)'
  );
}

async function writePrivateFile(file: string, content: string): Promise<void> {
  await writeFile(file, `${content}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode applies only to a new file
}

/** Runs `action` while holding `${dataDir}/postgres.init.lock`, cleaning up abandoned locks. */
async function withInitLock(dataDir: string, action: () => Promise<void>): Promise<void> {
  const lockFile = path.join(dataDir, 'postgres.init.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isAbandoned(lockFile)) {
      // Rename first so that only one of several waiters removes it.
      await rename(lockFile, `${lockFile}.stale-${process.pid}`)
        .then(() => rm(`${lockFile}.stale-${process.pid}`, { force: true }))
        .catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `Timed out waiting for ${lockFile} to be released.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function isAbandoned(lockFile: string): Promise<boolean> {
  try {
    const owner = Number.parseInt(await readFile(lockFile, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0) return !isProcessAlive(owner);
    return Date.now() - (await stat(lockFile)).mtimeMs > UNCLAIMED_LOCK_MS;
  } catch {
    return false; // vanished: the next open will tell
  }
}

/** Whether `pid` is running. A zombie (exited, not yet reaped by its parent) is not. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but not ours
  }
  try {
    // Linux: the state follows the parenthesised command name. A daemonised postmaster is
    // reparented to PID 1, which may reap it late (or never, in a container where PID 1 is a
    // program that does not reap).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill()
  }
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
