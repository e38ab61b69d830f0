/**
 * HTTP throughput of the real server, run as a child process (bench/serve.ts) so the load
 * generator does not share its event loop. A bare route and the decision route are loaded the
 * same way; their ratio is the design's target.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type RequestSpec } from 'autocannon';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import { type Child, childDataDir, freePort, startChild } from './child.ts';
import type { Ask } from './decisions.ts';

const BENCH = path.dirname(fileURLToPath(import.meta.url));

export type ServerChild = Child;

/**
 * Starts the server (bench/serve.ts: `credence serve`, or with `logOn` false the same server without the log's
 * background work) on a free port; `nodeArgs` go to its node (e.g. --cpu-prof).
 */
export async function startServerChild(
  databaseUrl: string,
  nodeArgs: readonly string[],
  log: (message: string) => void,
  env: Readonly<Record<string, string>> = {},
  logOn = true,
  output: { readonly discardStdout?: boolean } = {},
): Promise<ServerChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Its own data directory: the log's signing key, named for this port, is created there, not in ./data.
  const dataDir = childDataDir('server');
  return startChild(
    {
      name: logOn ? 'server' : 'server (log off)',
      args: [...nodeArgs, path.join(BENCH, 'serve.ts'), ...(logOn ? [] : ['--log-off'])],
      env: {
        DATABASE_URL: databaseUrl,
        CREDENCE_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      url,
      dataDir,
      // Ready once its first jobs run has caught up too: the bench freezes idle servers (SIGSTOP), and one frozen in
      // the middle of a job would hold the ledger's lock and stall every write of the other.
      ready: async (base) => {
        const health = await fetch(`${base}/health`);
        return health.ok && ((await health.json()) as { catching_up?: boolean }).catching_up !== true;
      },
      discardStdout: output.discardStdout,
    },
    log,
  );
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
  /** A run before the measured one, not measured; 0: none. */
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
  if (options.warmupSeconds > 0) await autocannon({ ...base, duration: options.warmupSeconds });
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

/**
 * One result from runs of equal duration (slices of one measurement): the mean rate and CPU, the median p50, the
 * largest p99 (a bound on the whole's), and every failure.
 */
export function combineRuns(runs: readonly LoadResult[]): LoadResult {
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const meanOf = (pick: (run: LoadResult) => number | undefined) => {
    const values = runs.map(pick);
    return values.every((v) => v !== undefined) ? mean(values) : undefined;
  };
  const p50s = runs.map((r) => r.p50Ms).sort((a, b) => a - b);
  return {
    perSecond: mean(runs.map((r) => r.perSecond)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    p50Ms: p50s[Math.floor((p50s.length - 1) / 2)]!,
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    serverCores: meanOf((r) => r.serverCores),
    generatorCores: mean(runs.map((r) => r.generatorCores)),
    postgresCores: meanOf((r) => r.postgresCores),
  };
}
