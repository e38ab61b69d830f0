/**
 * When Credence runs as root, PostgreSQL runs as the `postgres` account, which must be able to
 * reach the binaries. A checkout under a private home directory (mode 700, e.g. /root) hides
 * them; then the binary tree is copied once to a world-readable folder under the system's
 * temporary directory and used from there.
 */

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { statSync } from 'node:fs';
import { access, cp, mkdir, rename, rm, stat } from 'node:fs/promises';
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
export async function binariesForServerAccount(binaries: PgBinaries, log: (message: string) => void): Promise<PgBinaries> {
  if (await reachableByOthers(binaries.pg_ctl)) return binaries;
  // native/bin/pg_ctl → the whole native/ tree (bin, lib, share) moves together.
  const nativeDir = path.dirname(path.dirname(binaries.pg_ctl));
  const target = path.join(tmpdir(), `credence-postgres-${createHash('sha256').update(nativeDir).digest('hex').slice(0, 12)}`);
  const relocated = { initdb: path.join(target, path.relative(nativeDir, binaries.initdb)), pg_ctl: path.join(target, path.relative(nativeDir, binaries.pg_ctl)) };
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

async function exists(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}
