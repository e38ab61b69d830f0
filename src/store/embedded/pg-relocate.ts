/**
 * When Credence runs as root, PostgreSQL runs as the `postgres` account, which must be able to
 * reach the binaries. A checkout under a private home directory (mode 700, e.g. /root) hides
 * them; then the binary tree is copied once to a world-readable folder under the system's
 * temporary directory and used from there.
 */

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { statSync } from 'node:fs';
import { access, cp, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PgBinaries } from './pg-binaries.ts';

/** True when every folder above `file` lets other accounts pass (o+x). */
export async function reachableByOthers(file: string): Promise<boolean> {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** `reachableByOthers` for start-up paths decided before anything async runs. */
export function reachableByOthersSync(file: string): boolean {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/** The binaries as the server account can run them: where they are, or a shared copy. */
export async function binariesForServerAccount(
  binaries: PgBinaries,
  log: (message: string) => void,
): Promise<PgBinaries> {
  if (await reachableByOthers(binaries.pg_ctl)) return binaries;
  // native/bin/pg_ctl → the whole native/ tree (bin, lib, share) moves together.
  const nativeDir = path.dirname(path.dirname(binaries.pg_ctl));
  const target = path.join(
    tmpdir(),
    `credence-postgres-${createHash('sha256').update(nativeDir).digest('hex').slice(0, 12)}`,
  );
  const relocated = {
    initdb: path.join(target, path.relative(nativeDir, binaries.initdb)),
    pg_ctl: path.join(target, path.relative(nativeDir, binaries.pg_ctl)),
  };
  if (await exists(relocated.pg_ctl)) return relocated;
  log(`PostgreSQL's binaries under ${nativeDir} are not reachable by the postgres account; copying them to ${target}`);
  const staging = `${target}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o755 });
  await cp(nativeDir, staging, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  // Another process may have won the race; either copy is complete and identical.
  await rename(staging, target).catch(async () => rm(staging, { recursive: true, force: true }));
  return relocated;
}

/** Where persistent clusters go when the chosen data directory is private to root. */
const SHARED_CLUSTER_ROOT = '/var/lib/credence/clusters';

/**
 * The data directory as the server account can use it: the chosen one, or, when it sits under a
 * folder only root may enter, a persistent folder under /var/lib/credence named after it (and a
 * note in the chosen directory saying where the cluster is).
 */
export async function dataDirForServerAccount(dataDir: string, log: (message: string) => void): Promise<string> {
  const absolute = path.resolve(dataDir);
  let existing = absolute;
  while (!(await exists(existing, constants.F_OK))) existing = path.dirname(existing);
  if (await reachableByOthers(path.join(existing, '.probe'))) return absolute;
  const target = path.join(SHARED_CLUSTER_ROOT, createHash('sha256').update(absolute).digest('hex').slice(0, 12));
  log(`${absolute} is not reachable by the postgres account; the embedded cluster lives in ${target}`);
  await mkdir(target, { recursive: true, mode: 0o755 });
  await mkdir(absolute, { recursive: true });
  await writeFile(path.join(absolute, 'postgres.location'), `${target}\n`).catch(() => undefined);
  return target;
}

async function exists(file: string, mode = constants.X_OK): Promise<boolean> {
  return access(file, mode).then(
    () => true,
    () => false,
  );
}
