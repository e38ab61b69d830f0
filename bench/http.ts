/**
 * HTTP throughput of the real server, run as a child process (`credence serve`) so the load
 * generator does not share its event loop. A bare route and the decision route are loaded the
 * same way; their ratio is the design's target.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type RequestSpec } from 'autocannon';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import type { Ask } from './decisions.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 60_000;

export interface ServerChild {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server was not ready within ${START_TIMEOUT_MS} ms`);
}

/** Starts `credence serve` on a free port; `nodeArgs` go to its node (e.g. --cpu-prof). */
export async function startServerChild(
  databaseUrl: string,
  nodeArgs: readonly string[],
  log: (message: string) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerChild> {
  const port = await freePort();
  // Its own data directory: the log's signing key, named for this port, is created there, not in ./data.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'credence-bench-server-'));
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/credence.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CREDENCE_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its output is progress, never the bench's answer: keep stdout clean for --json.
  child.stdout!.pipe(process.stderr);
  child.stderr!.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      log(`server process: ${error.message}`);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`server pid ${child.pid} ready at ${url}`);
  return { url, pid: child.pid!, stop };
}

export interface LoadResult {
  readonly perSecond: number;
  readonly p99Ms: number;
  readonly p50Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  /** CPU used during the measured run, in cores: the server, and this process (the generator). */
  readonly serverCores: number | undefined;
  readonly generatorCores: number;
  /** CPU of the PostgreSQL processes on this machine (none when the server is remote). */
  readonly postgresCores: number | undefined;
}

/** A process's name and CPU seconds so far from /proc (Linux; clock ticks are 1/100 s), if readable. */
function readStat(pid: number | string): { name: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      seconds: (Number(fields[11]) + Number(fields[12])) / 100,
    };
  } catch {
    return undefined;
  }
}

/** CPU seconds of the given PostgreSQL server processes that run on this machine, by pid. */
function postgresCpu(pids: readonly number[]): Map<number, number> {
  const result = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat?.name === 'postgres') result.set(pid, stat.seconds);
  }
  return result;
}

/** CPU used between two samples by the processes alive at both (backends come and go). */
function postgresCores(before: Map<number, number>, after: Map<number, number>, seconds: number): number | undefined {
  let used = 0;
  for (const [pid, end] of after) used += end - (before.get(pid) ?? end);
  return after.size === 0 ? undefined : used / seconds;
}

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** The bench database server's process ids (pg_stat_activity), to measure its CPU if it is local. */
  readonly postgresPids: () => Promise<number[]>;
}

async function load(
  server: ServerChild,
  route: string,
  requests: RequestSpec[] | undefined,
  options: LoadOptions,
): Promise<LoadResult> {
  const base = { url: `${server.url}${route}`, connections: options.connections, ...(requests ? { requests } : {}) };
  await autocannon({ ...base, duration: options.warmupSeconds });
  const serverBefore = readStat(server.pid)?.seconds;
  const generatorBefore = process.cpuUsage();
  const pids = await options.postgresPids();
  const postgresBefore = postgresCpu(pids);
  const started = performance.now();
  const result = await autocannon({ ...base, duration: options.seconds });
  const seconds = (performance.now() - started) / 1000;
  const serverAfter = readStat(server.pid)?.seconds;
  const postgresAfter = postgresCpu(pids);
  const generator = process.cpuUsage(generatorBefore);
  return {
    perSecond: result['2xx'] / result.duration,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors,
    serverCores:
      serverBefore === undefined || serverAfter === undefined ? undefined : (serverAfter - serverBefore) / seconds,
    generatorCores: (generator.user + generator.system) / 1e6 / seconds,
    postgresCores: postgresCores(postgresBefore, postgresAfter, seconds),
  };
}

/** GET /health/live: no auth, no body, no database. */
export function loadBareRoute(server: ServerChild, options: LoadOptions): Promise<LoadResult> {
  return load(server, '/health/live', undefined, options);
}

/**
 * POST /v1/decisions, cycling through one pre-built request per subject (autocannon encodes
 * static requests once, so varying the body costs the generator nothing per request).
 */
export function loadDecisions(
  server: ServerChild,
  key: string,
  asks: readonly Ask[],
  subjects: readonly SubjectRef[],
  options: LoadOptions,
): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const requests = subjects.map((subject, i) => ({
    method: 'POST',
    path: '/v1/decisions',
    headers,
    body: JSON.stringify({ subject, ...asks[i % asks.length]! }),
  }));
  return load(server, '', requests, options);
}
