/**
 * PostgreSQL dying under a running server (issue 13): a real server process on an embedded cluster of its own,
 * its postmaster killed with SIGKILL. The server stays up, says 503 while the database is away, starts the cluster
 * again on the same port, and loses no inquiry of a decision it answered 200; a command run meanwhile does not
 * stop the cluster the server is about to use again. A server killed with SIGKILL under load loses no inquiry of a
 * decision it answered either (an answer waits for its inquiry's commit: services/decisions/decision-log.ts).
 */

import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { createRandom, generateResidentId } from '../src/domain/identifier-generators.ts';
import { isProcessAlive } from '../src/store/embedded/embedded-cluster-init.ts';
import { resolveServerUser } from '../src/store/embedded/os-user.ts';
import { loadPgBinaries, runPgTool } from '../src/store/embedded/pg-binaries.ts';
import { binariesForServerAccount } from '../src/store/embedded/pg-relocate.ts';
import {
  credence,
  killServer,
  killStartedServers,
  postmasterOf,
  queryCluster,
  type ServerProcess,
  startServer,
  stopServer,
  waitFor,
} from './support/server-process.ts';

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
  await killStartedServers();
  const binaries = await clusterTools();
  const clusterDir = path.join(dataDir, 'postgres');
  await runPgTool(binaries.pg_ctl, ['stop', '-m', 'immediate', '-D', clusterDir], binaries).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

describe('PostgreSQL or the server killed under load', () => {
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
    assert.equal(await stopServer(server), 0, server.output());
    assert.equal(isProcessAlive(started.pid), false, 'the server stopped the cluster on its way out');
  });

  // In the same suite as the tests above, so that it runs after them (top-level suites may run at once).
  test('a server killed with SIGKILL mid-load loses no inquiry of a decision it answered', async () => {
    // The previous test stopped the server (and with it the cluster): this one starts its own.
    server = await startServer(env);
    const load = startDecisions(server.url, key);
    await waitFor('decisions under load', async () => load.answered.length >= 50 || undefined);
    await killServer(server);
    await load.stop();
    const answered = [...load.answered];
    assert.ok(answered.length >= 50);
    // Connections cut mid-request show as network errors, never as an answer without its inquiry.
    assert.deepEqual(
      [...load.statuses.keys()].filter((status) => status !== '200' && status !== 'network error'),
      [],
    );

    // Started again on the same data directory, it attaches to the cluster the killed server left running.
    server = await startServer(env);
    assert.equal(await inquiriesAmong(answered), answered.length, 'every decision answered 200 is logged');
    const again = startDecisions(server.url, key);
    await waitFor('decisions answered again', async () => again.answered.length >= 5 || undefined);
    await again.stop();
    assert.equal(await stopServer(server), 0, server.output());
  });
});

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
  return postmasterOf(dataDir);
}

async function query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  return queryCluster<Row>(dataDir, text, values);
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
