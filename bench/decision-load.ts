/**
 * Decisions over HTTP as load grows, and what the server's default request logging costs them: two servers on
 * one database, one with the default LOG_LEVEL (as `npm start` runs) and one with logging off, loaded in turn
 * (the other frozen) at each number of connections. PostgreSQL's CPU per logged decision is measured on the
 * default server at the first number of connections.
 */

import { loadConfig } from '../src/config.ts';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import type { Ask } from './decisions.ts';
import { median } from './evaluate.ts';
import { combineRuns, type LoadResult, loadDecisions, type ServerChild, settle, startServerChild } from './http.ts';
import type { Figures } from './report.ts';

/** The actions and purposes the HTTP decisions cycle through. */
export const HTTP_ASKS: readonly Ask[] = [
  { action: 'travel.air.premium_class', purpose: 'ticketing' },
  { action: 'procurement.bid', purpose: 'procurement' },
  { action: 'permits.application', purpose: 'permit' },
  { action: 'lodging.star_hotel', purpose: 'lodging' },
];

export interface DecisionLoadBench {
  readonly databaseUrl: string;
  /** A relying service's API key allowed every action and purpose. */
  readonly key: string;
  readonly asks: readonly Ask[];
  readonly subjects: readonly SubjectRef[];
  /** The bench database server's process ids, to measure its CPU. */
  readonly postgresPids: () => Promise<number[]>;
  /** The numbers of connections to load with, in order; the first also gives the per-decision database CPU. */
  readonly connections: readonly number[];
  /** Measured seconds per number of connections and server, in two slices each. */
  readonly seconds: number;
  readonly log: (message: string) => void;
}

type Mode = 'default' | 'silent';

/**
 * The server's CPU seconds per decision answered. On a machine shared with other work the throughput of a slice
 * says as much about the neighbours as about the server; its CPU per request does not.
 */
function serverCpuPerDecision(run: LoadResult): number {
  return (run.serverCores ?? Number.NaN) / run.perSecond;
}

/** Starts the server (transparency log off) with `logLevel`; its stdout (the request log) is discarded. */
function startServer(bench: DecisionLoadBench, logLevel: string, defer: (c: () => Promise<unknown>) => void) {
  const env = { LOG_LEVEL: logLevel };
  return startServerChild(bench.databaseUrl, [], bench.log, env, false, { discardStdout: true }).then((child) => {
    defer(child.stop);
    return child;
  });
}

/**
 * Loads each server in turn for `seconds` (after the first call's warm-up), default, silent, silent, default, so
 * that a drift of the shared machine falls on both alike; returns each server's slices.
 */
async function interleave(
  bench: DecisionLoadBench,
  servers: Readonly<Record<Mode, ServerChild>>,
  connections: number,
): Promise<Record<Mode, LoadResult[]>> {
  const results: Record<Mode, LoadResult[]> = { default: [], silent: [] };
  const run = async (mode: Mode, seconds: number) => {
    servers[mode].resume();
    const options = { connections, seconds, warmupSeconds: 0, postgresPids: bench.postgresPids };
    const result = await loadDecisions(servers[mode], bench.key, bench.asks, bench.subjects, options);
    await settle(servers[mode], bench.log);
    servers[mode].pause();
    return result;
  };
  for (const mode of ['default', 'silent'] as const) await run(mode, 1);
  for (const mode of ['default', 'silent', 'silent', 'default'] as const) {
    const result = await run(mode, bench.seconds / 2);
    const kinds = JSON.stringify(result.errorKinds);
    const failed =
      result.non2xx + result.errors > 0 ? `, ${result.non2xx} non-2xx, ${result.errors} errors ${kinds}` : '';
    bench.log(
      `  ${connections} connections, request log ${mode}: ${Math.round(result.perSecond)} req/s, ` +
        `p99 ${result.p99Ms} ms${failed}`,
    );
    results[mode].push(result);
  }
  return results;
}

/**
 * decisions/s and p99 at each number of connections (default logging), the default logging's throughput over
 * logging off (the median of adjacent slices' ratios), and PostgreSQL µs of CPU per logged decision.
 */
export async function benchDecisionLoad(
  bench: DecisionLoadBench,
  defer: (cleanup: () => Promise<unknown>) => void,
): Promise<Figures> {
  const defaultLevel = loadConfig({}).logLevel;
  const servers = {
    default: await startServer(bench, defaultLevel, defer),
    silent: await startServer(bench, 'silent', defer),
  };
  servers.default.pause();
  servers.silent.pause();
  const figures: Figures = {};
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  try {
    for (const connections of bench.connections) {
      bench.log(`POST /v1/decisions, ${connections} connections, LOG_LEVEL ${defaultLevel} and silent in turn`);
      const slices = await interleave(bench, servers, connections);
      const [logged, silent] = [combineRuns(slices.default), combineRuns(slices.silent)];
      figures[`decision_load_per_s_c${connections}`] = logged.perSecond;
      figures[`decision_load_p99_ms_c${connections}`] = logged.p99Ms;
      // Timeouts (autocannon's 10 s) and non-2xx answers, of both servers.
      figures[`decision_load_failed_c${connections}`] = logged.non2xx + logged.errors + silent.non2xx + silent.errors;
      ratios.push(...slices.default.map((d, i) => d.perSecond / slices.silent[i]!.perSecond));
      const cpu = slices.default.map((d, i) => serverCpuPerDecision(slices.silent[i]!) / serverCpuPerDecision(d));
      cpuRatios.push(...cpu);
      if (connections === bench.connections[0] && logged.postgresCores !== undefined)
        figures.decision_load_postgres_us_per_decision = (logged.postgresCores * 1e6) / logged.perSecond;
    }
  } finally {
    await servers.default.stop();
    await servers.silent.stop();
  }
  figures.decision_request_log_ratio = median(ratios);
  if (cpuRatios.every(Number.isFinite)) figures.decision_request_log_cpu_ratio = median(cpuRatios);
  return figures;
}
