/**
 * Which processes are attached to the embedded cluster, as one file per process in `postgres.attached/`, named by
 * its pid and holding its start time. The attach lock lives on a connection, so it ends with the postmaster: after
 * a crash every attached process has lost it until it attaches again, and a command releasing the cluster in that
 * gap would think itself the last and stop the cluster a server is about to use again. The files outlive the
 * postmaster, so "the last process attached" asks both the lock and the files. A file whose process is gone (or
 * whose pid now belongs to another process) is ignored and removed.
 */

import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CredenceError } from '../../errors.ts';
import { isProcessAlive } from './embedded-cluster-init.ts';
import type { ClusterPaths } from './embedded-cluster-init.ts';

/** How many attachments of this process each record stands for (a process may attach more than once). */
const held = new Map<string, number>();

/** Records this process as attached; the returned function removes the record with the last attachment. */
export async function recordAttachment(paths: ClusterPaths): Promise<() => Promise<void>> {
  const file = path.join(paths.attachedDir, String(process.pid));
  held.set(file, (held.get(file) ?? 0) + 1);
  try {
    await mkdir(paths.attachedDir, { recursive: true });
    await writeFile(file, `${startTimeOf(process.pid) ?? ''}\n`);
  } catch (error) {
    await forget(file);
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `Could not record this process in ${file}: ${String(error)}`);
  }
  let forgotten = false;
  return async () => {
    if (forgotten) return;
    forgotten = true;
    await forget(file);
  };
}

async function forget(file: string): Promise<void> {
  const count = (held.get(file) ?? 1) - 1;
  if (count > 0) return void held.set(file, count);
  held.delete(file);
  await rm(file, { force: true });
}

/** The pids of the other live processes recorded as attached. */
export async function otherAttachedProcesses(paths: ClusterPaths): Promise<number[]> {
  const names = await readdir(paths.attachedDir).catch(() => [] as string[]);
  const others: number[] = [];
  for (const name of names) {
    const pid = Number.parseInt(name, 10);
    if (!(pid > 0) || String(pid) !== name || pid === process.pid) continue;
    const file = path.join(paths.attachedDir, name);
    const recorded = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (isProcessAlive(pid) && (recorded === '' || recorded === startTimeOf(pid))) others.push(pid);
    else await rm(file, { force: true });
  }
  return others;
}

/** A process's start time in clock ticks since boot (Linux /proc), telling a reused pid from the original. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
