/**
 * `node bench/connections.ts [--connections 50,200,1000] [--seconds 8] [--records 4000] [--backlogs 511,4096]`:
 * decisions over HTTP as the number of connections grows, on a server as `npm start` runs it (default LOG_LEVEL,
 * log off), on a throwaway database with a small import. Each number of connections opens its connections at once
 * (as a burst of clients would), warms up, then is measured; the server then finishes with the last load's
 * connections before the next. With --backlogs, one server per listen backlog, loaded in turn (the others frozen).
 * Per number of connections: decisions/s, p50 and p99, failures by kind, the connections the kernel dropped for a
 * full listen queue (ListenOverflows, machine-wide), and the CPU of the server and of the load generator
 * (autocannon, in this process, on the same cores). Prints one JSON object on stdout (progress on stderr).
 */

import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { openCourtBench } from './court-bench.ts';
import { HTTP_ASKS } from './decision-load.ts';
import { listenOverflows, loadDecisions, type ServerChild, settle, startServerChild } from './http.ts';
import type { Figures } from './report.ts';

const WARMUP_SECONDS = 2;
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50,200,1000' },
    seconds: { type: 'string', default: '8' },
    records: { type: 'string', default: '4000' },
    /** Listen backlogs to compare (CREDENCE_LISTEN_BACKLOG), one server each, loaded in turn; empty: the default. */
    backlogs: { type: 'string', default: '' },
  },
});
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const loadAverage = os.loadavg()[0]!;
  const { database, relying, subjects, postgresPids } = await openCourtBench(log, cleanups, {
    records: Number(values.records),
  });
  const logLevel = loadConfig({}).logLevel;
  const backlogs = values.backlogs.split(',').filter((b) => b !== '');
  // One server per listen backlog asked for (none: the configured default), each frozen while another is loaded.
  const servers: { readonly name: string; readonly server: ServerChild }[] = [];
  for (const backlog of backlogs.length === 0 ? [undefined] : backlogs) {
    const env = { LOG_LEVEL: logLevel, ...(backlog === undefined ? {} : { CREDENCE_LISTEN_BACKLOG: backlog }) };
    const server = await startServerChild(database.url, [], log, env, false, { discardStdout: true });
    cleanups.push(server.stop);
    server.pause();
    servers.push({ name: backlog === undefined ? '' : `_backlog${backlog}`, server });
  }
  const figures: Figures = {};
  for (const connections of values.connections.split(',').map(Number)) {
    for (const { name, server } of servers) {
      server.resume();
      const overflowsBefore = listenOverflows();
      const options = { connections, seconds: Number(values.seconds), warmupSeconds: WARMUP_SECONDS, postgresPids };
      const result = await loadDecisions(server, relying.key, HTTP_ASKS, subjects, options);
      await settle(server, log);
      server.pause();
      const overflows = (listenOverflows() ?? Number.NaN) - (overflowsBefore ?? Number.NaN);
      log(
        `${connections} connections${name}: ${Math.round(result.perSecond)} req/s, p50 ${result.p50Ms} ms, ` +
          `p99 ${result.p99Ms} ms, ${result.non2xx} non-2xx, ${result.errors} errors ` +
          `${JSON.stringify(result.errorKinds)}, ${overflows} listen overflows, server ` +
          `${result.serverCores?.toFixed(2)} cores, PostgreSQL ${result.postgresCores?.toFixed(2)} cores, ` +
          `generator ${result.generatorCores.toFixed(2)} cores`,
      );
      const key = (figure: string) => `connections_${figure}_c${connections}${name}`;
      figures[key('per_s')] = Math.round(result.perSecond);
      figures[key('p50_ms')] = result.p50Ms;
      figures[key('p99_ms')] = result.p99Ms;
      figures[key('failed')] = result.non2xx + result.errors;
      figures[key('listen_overflows')] = overflows;
      figures[key('server_cores')] = Number((result.serverCores ?? Number.NaN).toFixed(2));
      figures[key('generator_cores')] = Number(result.generatorCores.toFixed(2));
    }
  }
  const loadAverages = { load_average_start: loadAverage, load_average_end: os.loadavg()[0]! };
  process.stdout.write(`${JSON.stringify({ ...figures, ...loadAverages })}\n`);
} finally {
  for (let c = cleanups.pop(); c !== undefined; c = cleanups.pop()) await c().catch((e: unknown) => log(String(e)));
}
