/**
 * PostgreSQL dying under a running server (issue 13): a real server process on an embedded cluster of its own,
 * its postmaster killed with SIGKILL. The server stays up, says 503 while the database is away, starts the cluster
 * again on the same port, and loses no inquiry of a decision it answered 200; a command run meanwhile does not
 * stop the cluster the server is about to use again.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createRandom, generateResidentId } from '../src/domain/identifier-generators.ts';
import { isProcessAlive } from '../src/store/embedded/embedded-cluster-init.ts';
import { resolveServerUser } from '../src/store/embedded/os-user.ts';
import { loadPgBinaries, runPgTool } from '../src/store/embedded/pg-binaries.ts';
import { binariesForServerAccount } from '../src/store/embedded/pg-relocate.ts';

/** Bounds every wait: a server that hangs or never recovers fails the test instead of stalling the run. */
const WAIT_MS = 40_000;
const REQUEST_MS = 20_000;
const WORKERS = 4;

let dataDir: string;
let env: NodeJS.ProcessEnv;
let server: ServerProcess;
let key: string;
/** Load generators still running, stopped after a failed test too. */
const loads = new Set<Decisions>();

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'credence-db-faults-'));
  await chmod(dataDir, 0o755); // as root the cluster runs as the postgres OS user, which must reach it
  const { DATABASE_URL: _external, ...rest } = process.env;
  env = { ...rest, CREDENCE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', CREDENCE_LEDGER_POLL_MS: '500' };
  server = await startServer(env);
  const added = await credence(
    env,
    ['principal', 'add', '--role', 'relying', '--name', 'Airline', '--json'],
    ['--actions', 'travel.air.premium_class', '--purposes', 'ticketing'],
  );
  assert.equal(added.code, 0, added.output);
  key = (JSON.parse(added.stdout) as { key: string }).key;
});

after(async () => {
  await Promise.all([...loads].map((load) => load.stop()));
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  const binaries = await clusterTools();
  const clusterDir = path.join(dataDir, 'postgres');
  await runPgTool(binaries.pg_ctl, ['stop', '-m', 'immediate', '-D', clusterDir], binaries).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL killed under a running server', () => {
  test('the server stays up, answers 503 meanwhile, recovers, and loses no answered inquiry', async () => {
    const load = startDecisions(server.url, key);
    await waitFor('decisions under load', async () => load.answered.length >= 20 || undefined);
    const killed = postmaster();
    const logged = server.lines().length;
    process.kill(killed.pid, 'SIGKILL');

    const unready = await waitFor('/health to say 503', async () => {
      const response = await fetch(`${server.url}/health`);
      return response.status === 503 ? ((await response.json()) as { error: { code: string } }) : undefined;
    });
    assert.equal(unready.error.code, 'CRD_DATABASE_UNAVAILABLE');
    assert.equal((await fetch(`${server.url}/health/live`)).status, 200);

    await waitFor(
      '/health to say 200 again',
      async () => (await fetch(`${server.url}/health`)).status === 200 || undefined,
    );
    const answeredAtRecovery = load.answered.length;
    await waitFor('decisions answered again', async () => load.answered.length >= answeredAtRecovery + 20 || undefined);
    await waitFor(
      'the outage logged as over',
      async () =>
        server
          .lines()
          .slice(logged)
          .some((line) => line.msg === 'the database is available again') || undefined,
    );
    await load.stop();

    assert.equal(server.child.exitCode, null, 'the server process is still running');
    // Every answer was a decision or a coded 503: no 500, no dropped connection, no request left hanging.
    assert.deepEqual(
      [...load.statuses.keys()].filter((status) => status !== '200' && status !== 'CRD_DATABASE_UNAVAILABLE'),
      [],
    );
    const restarted = postmaster();
    assert.equal(restarted.port, killed.port, 'started again on the same port');
    assert.notEqual(restarted.pid, killed.pid);
    assert.equal(await inquiriesAmong(load.answered), load.answered.length, 'every decision answered 200 is logged');
    // The ledger follower and the log integrator listen again.
    await waitFor('both LISTEN connections again', async () => (await listeners()) === 2 || undefined);
    // Once when it went, once when it came back: not per request or per background tick.
    const errors = server
      .lines()
      .slice(logged)
      .filter((line) => line.level >= 50);
    assert.deepEqual(
      errors.map((line) => line.msg),
      ['the database is unavailable; answering 503 until it is back'],
    );
  });

  test('a command run while the server is away does not stop the cluster the server uses', async () => {
    const killed = postmaster();
    process.kill(killed.pid, 'SIGKILL');
    // Frozen, the server cannot attach again: the command alone holds the attach lock when it exits.
    server.child.kill('SIGSTOP');
    let started: { pid: number; port: number };
    try {
      const listed = await credence(env, ['principal', 'list']);
      assert.equal(listed.code, 0, listed.output);
      started = postmaster();
      assert.ok(isProcessAlive(started.pid), 'the cluster the command started is still running after it exited');
      assert.equal(started.port, killed.port, 'on the port the server knows');
    } finally {
      server.child.kill('SIGCONT');
    }
    await waitFor(
      '/health to say 200 again',
      async () => (await fetch(`${server.url}/health`)).status === 200 || undefined,
    );
    const load = startDecisions(server.url, key);
    await waitFor('a decision answered', async () => load.answered.length >= 1 || undefined);
    await load.stop();
    assert.equal(postmaster().pid, started.pid, 'the server attached to the running cluster');

    // Attached again, the server keeps the cluster running past the next command too.
    await waitFor(
      'the server attached again',
      async () => server.lines().some((line) => String(line.msg).startsWith('attached again')) || undefined,
    );
    assert.equal(await attachLocks(), 1, 'the server holds its shared attach lock again');
    const again = await credence(env, ['principal', 'list']);
    assert.equal(again.code, 0, again.output);
    assert.ok(isProcessAlive(started.pid));

    // The last process attached, the server stops the cluster when it stops.
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    assert.equal(code, 0, server.output());
    assert.equal(isProcessAlive(started.pid), false, 'the server stopped the cluster on its way out');
  });
});

interface LogLine {
  readonly level: number;
  readonly msg: unknown;
}

interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** The JSON log lines so far. */
  lines(): LogLine[];
}

async function startServer(environment: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/credence.js', 'serve'], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor('the server to listen', async () => {
    if (child.exitCode !== null) throw new Error(`the server exited: ${output}`);
    return /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
  });
  const lines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, url, output: () => output, lines };
}

/** Runs a credence command to its end; `more` is appended to `args`. */
async function credence(
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

interface Decisions {
  /** The decision ids answered 200. */
  readonly answered: string[];
  /** How many answers of each kind: `200`, an error code, or `network error`. */
  readonly statuses: Map<string, number>;
  stop(): Promise<void>;
}

/** A few clients asking for decisions in a loop, each request bounded so that a hang shows as a failure. */
function startDecisions(url: string, apiKey: string): Decisions {
  const random = createRandom(Date.now());
  const answered: string[] = [];
  const statuses = new Map<string, number>();
  let stopped = false;
  const ask = async (): Promise<string> => {
    const response = await fetch(`${url}/v1/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        subject: { scheme: 'cn-rid', id: generateResidentId(random) },
        action: 'travel.air.premium_class',
        purpose: 'ticketing',
      }),
      signal: AbortSignal.timeout(REQUEST_MS),
    });
    const body = (await response.json()) as { decision_id?: string; error?: { code: string } };
    if (response.status !== 200) return body.error?.code ?? String(response.status);
    answered.push(body.decision_id!);
    return '200';
  };
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const status = await ask().catch(() => 'network error');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 'network error') await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  const load: Decisions = {
    answered,
    statuses,
    stop: async () => {
      stopped = true;
      loads.delete(load);
      await Promise.all(workers);
    },
  };
  loads.add(load);
  return load;
}

/** The cluster's postmaster per its postmaster.pid (line 1: pid, line 4: port). */
function postmaster(): { pid: number; port: number } {
  const lines = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

async function query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  const password = readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const client = new pg.Client({
    connectionString: `postgres://credence:${password}@127.0.0.1:${postmaster().port}/credence`,
  });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function inquiriesAmong(ids: readonly string[]): Promise<number> {
  const rows = await query<{ n: number }>('select count(distinct id)::int as n from inquiries where id = any($1)', [
    ids,
  ]);
  return rows[0]!.n;
}

async function listeners(): Promise<number> {
  const rows = await query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where application_name = 'credence-server' and query ilike 'listen %'`,
  );
  return rows[0]!.n;
}

/** Shared attach locks held (embedded-cluster.ts: one per attached process). */
async function attachLocks(): Promise<number> {
  const rows = await query<{ n: number }>(
    `select count(*)::int as n from pg_locks join pg_stat_activity using (pid)
      where locktype = 'advisory' and mode = 'ShareLock' and application_name = 'credence-attach'`,
  );
  return rows[0]!.n;
}

async function clusterTools(): Promise<{
  pg_ctl: string;
  user: Awaited<ReturnType<typeof resolveServerUser>>;
  cwd: string;
}> {
  const [found, user] = await Promise.all([loadPgBinaries(), resolveServerUser(() => undefined)]);
  const binaries = user === undefined ? found : await binariesForServerAccount(found, () => undefined);
  return { pg_ctl: binaries.pg_ctl, user, cwd: dataDir };
}

/** Polls `probe` until it returns a value; fails after WAIT_MS (a bound on a hang, not a timing asserted). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (server !== undefined && server.child.exitCode !== null)
      throw new Error(`the server exited: ${server.output()}`);
    const value = await probe().catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith('the server exited')) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
