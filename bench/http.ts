/**
 * HTTP throughput of the real server, run as a child process (bench/serve.ts) so the load
 * generator does not share its event loop. A bare route and the decision route are loaded the
 * same way; their ratio is the design's target.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Client, type RequestSpec } from 'autocannon';
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

/** The local port a server child listens on. */
function portOf(server: ServerChild): number {
  return Number(new URL(server.url).port);
}

/**
 * The TCP sockets on `port` from /proc/net/tcp (Linux; the bench's servers listen on 127.0.0.1), or undefined where
 * /proc cannot be read: connections the kernel holds for the server to accept (the listener's receive queue), and
 * connections the client has closed that the server has not (CLOSE_WAIT: a request the server has yet to finish,
 * or an end it has yet to read). Idle keep-alive connections (the bench's own health checks) are not counted.
 */
function socketsOn(port: number): { queued: number; closing: number } | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const LISTEN = '0A';
  const CLOSE_WAIT = '08';
  let queued = 0;
  let closing = 0;
  for (const line of table.split('\n').slice(1)) {
    const [, local, , state, queues] = line.trim().split(/\s+/);
    if (local === undefined || state === undefined || Number.parseInt(local.split(':')[1]!, 16) !== port) continue;
    if (state === LISTEN) queued += Number.parseInt(queues!.split(':')[1]!, 16);
    else if (state === CLOSE_WAIT) closing += 1;
  }
  return { queued, closing };
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows, all sockets of
 * the machine), or undefined where /proc cannot be read. Each such drop is a SYN the client sends again 1 s later.
 */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ');
    const values = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ');
    const at = names?.indexOf('ListenOverflows') ?? -1;
    return at < 0 || values === undefined ? undefined : Number(values[at]);
  } catch {
    return undefined;
  }
}

/**
 * Waits (up to `timeoutMs`) until the server has answered what was in flight and closed every connection of the
 * load just ended, so that it can be frozen (SIGSTOP) clean. Frozen earlier, it keeps the last load's connections
 * in its accept queue (closed by the client, never taken by the server): at the next load they fill the queue and
 * the new connections' SYNs are dropped, to be sent again 1, 3 and 7 s later, which the bench then measures.
 */
export async function settle(
  server: ServerChild,
  log: (message: string) => void = (message) => process.stderr.write(`bench: ${message}\n`),
  timeoutMs = 15_000,
): Promise<void> {
  const port = portOf(server);
  const deadline = Date.now() + timeoutMs;
  await new Promise((resolve) => setTimeout(resolve, 200)); // answers still in flight
  for (;;) {
    const sockets = socketsOn(port);
    if (sockets === undefined || (sockets.queued === 0 && sockets.closing === 0)) return;
    if (Date.now() > deadline) {
      log(
        `WARNING: after ${timeoutMs} ms the server on port ${port} has ${sockets.queued} connections to accept, ` +
          `${sockets.closing} to close`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface LoadResult {
  readonly perSecond: number;
  readonly p99Ms: number;
  readonly p50Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  /** The errors by kind: a connection error's code (ECONNRESET...) or `timeout` (no answer in autocannon's 10 s). */
  readonly errorKinds: Readonly<Record<string, number>>;
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

/**
 * autocannon's options for cycling through `requests` over `connections`, each connection its own share of them.
 * Given `requests` as they are, autocannon builds every one of them for every connection as it opens it: 1,000
 * requests over 1,000 connections are a million request buffers built in this process's event loop while the
 * first connections' requests, already sent, wait for their answers to be read. That held the answers back for
 * seconds (the 7 s p99 at 1,000 connections) and left the server idle meanwhile. With a share each, every request
 * is built once (and one more per connection); the same requests are sent, in turn, over the same connections.
 * The soak (soak.ts) shares its requests out the same way.
 */
export function sharedOut(requests: readonly RequestSpec[], connections: number) {
  let opened = 0;
  return {
    requests: requests.slice(0, 1),
    setupClient: (client: Client) => {
      const k = opened++ % connections;
      const share: RequestSpec[] = [];
      for (let i = k; i < requests.length; i += connections) share.push(requests[i]!);
      client.setRequests(share.length > 0 ? share : [requests[k % requests.length]!]);
    },
  };
}

async function load(
  server: ServerChild,
  route: string,
  requests: RequestSpec[] | undefined,
  options: LoadOptions,
): Promise<LoadResult> {
  const url = `${server.url}${route}`;
  // Shared out afresh for each run: a connection's share is given it as the run opens it.
  const base = () => ({
    url,
    connections: options.connections,
    ...(requests ? sharedOut(requests, options.connections) : {}),
  });
  if (options.warmupSeconds > 0) {
    await autocannon({ ...base(), duration: options.warmupSeconds });
    // The warm-up's requests in flight when it stopped are still being answered: not on the measured run's time.
    await settle(server);
  }
  const serverBefore = readStat(server.pid)?.seconds;
  const generatorBefore = process.cpuUsage();
  const pids = await options.postgresPids();
  const postgresBefore = postgresCpu(pids);
  const started = performance.now();
  const errorKinds: Record<string, number> = {};
  const result = await autocannon({ ...base(), duration: options.seconds }).on('reqError', (error) => {
    const kind = error.code ?? (error.message === 'request timed out' ? 'timeout' : error.message);
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  });
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
    errorKinds,
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
 * POST /v1/decisions, cycling through one pre-built request per subject, shared out over the connections
 * (autocannon encodes static requests once, so varying the body costs the generator nothing per request).
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
    errorKinds: runs.reduce<Record<string, number>>((sum, r) => {
      for (const [kind, n] of Object.entries(r.errorKinds)) sum[kind] = (sum[kind] ?? 0) + n;
      return sum;
    }, {}),
    serverCores: meanOf((r) => r.serverCores),
    generatorCores: mean(runs.map((r) => r.generatorCores)),
    postgresCores: meanOf((r) => r.postgresCores),
  };
}
