/**
 * Credence as separate processes, for the tests that kill, restart or multiply them (db-faults, decision nodes):
 * `credence serve` started as a child process and watched through its JSON log, CLI commands run to their end,
 * and a bounded wait that fails at once when the server it watches has exited.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** Bounds every wait: a server that hangs or never recovers fails the test instead of stalling the run. */
const WAIT_MS = 40_000;

export interface LogLine {
  readonly level: number;
  readonly msg: unknown;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** The JSON log lines so far. */
  lines(): LogLine[];
}

/** The server processes a wait watches: it fails at once if one of them exits. */
const watched = new Set<{ readonly child: ChildProcess; output(): string }>();
/** Every server process started, so that a failed test's `after` can still kill them all (killStartedServers). */
const started = new Set<ChildProcess>();

/** Starts `credence serve` and resolves once it listens; `PORT=0` in `environment` picks a free port. */
export async function startServer(environment: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/credence.js', 'serve'], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const watch = { child, output: () => output };
  // Until stopServer or killServer: an exit the test did not ask for fails the next wait.
  watched.add(watch);
  const url = await waitFor('the server to listen', async () => /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1]);
  const lines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, url, output: () => output, lines };
}

/** Stops a server as a supervisor would (SIGTERM) and resolves with its exit code. */
export async function stopServer(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  for (const watch of watched) if (watch.child === server.child) watched.delete(watch);
  server.child.kill('SIGTERM');
  const [code] = (await once(server.child, 'exit')) as [number | null];
  return code;
}

/** Kills a server with SIGKILL, as a crash would, and resolves once it is gone. */
export async function killServer(server: ServerProcess): Promise<void> {
  for (const watch of watched) if (watch.child === server.child) watched.delete(watch);
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await once(server.child, 'exit');
}

/** Kills (SIGKILL) every server process started here that still runs: for `after`, whatever failed. */
export async function killStartedServers(): Promise<void> {
  watched.clear();
  await Promise.all(
    [...started].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    }),
  );
}

/** Runs a credence command to its end; `more` is appended to `args`. */
export async function credence(
  environment: NodeJS.ProcessEnv,
  args: string[],
  more: string[] = [],
): Promise<{ code: number | null; stdout: string; output: string }> {
  const child = spawn(process.execPath, ['bin/credence.js', ...args, ...more], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, output: `${stdout}${stderr}` };
}

/**
 * Probes until `probe` gives a value, for at most WAIT_MS; fails at once if a watched server exited meanwhile.
 * A probe that throws counts as "not yet", unless it throws a server's exit.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    for (const watch of watched)
      if (watch.child.exitCode !== null || watch.child.signalCode !== null)
        throw new Error(`the server exited: ${watch.output()}`);
    const value = await probe().catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith('the server exited')) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The embedded cluster's postmaster under `dataDir`, per its postmaster.pid (line 1: pid, line 4: port). */
export function postmasterOf(dataDir: string): { pid: number; port: number } {
  const lines = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

/** One query on the registry database of the embedded cluster under `dataDir`, on a connection of its own. */
export async function queryCluster<Row extends pg.QueryResultRow>(
  dataDir: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const password = readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const client = new pg.Client({
    connectionString: `postgres://credence:${password}@127.0.0.1:${postmasterOf(dataDir).port}/credence`,
  });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
