/**
 * `node bench/soak-long.ts [--seconds 240] [--rate 4700]`: the bench's soak (soak.ts) for longer, alone, on one
 * server as `npm start` runs it (the log on, the default request log), printing its resident memory every 10 s:
 * whether memory levels off at a rate, which the bench's 60 s soak, comparing its seconds 10–20 with its last ten,
 * cannot always tell from the heap still growing to its size. Prints one JSON object on stdout at the end.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openCourtBench } from './court-bench.ts';
import { HTTP_ASKS } from './decision-load.ts';
import { startServerChild } from './http.ts';
import { soakDecisions } from './soak.ts';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '240' }, rate: { type: 'string', default: '4700' } },
});
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const { database, registry, relying, subjects } = await openCourtBench(log, cleanups, {
    records: 4000,
    env: { LOG_LEVEL: 'silent' },
  });
  const server = await startServerChild(database.url, [], log, { LOG_LEVEL: 'info' }, true, { discardStdout: true });
  cleanups.push(server.stop);
  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]) / 1024;
  const started = performance.now();
  const sampler = setInterval(() => {
    log(`  ${Math.round((performance.now() - started) / 1000)} s: ${Math.round(rssMiB())} MiB resident`);
  }, 10_000);
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  log(`soak: POST /v1/decisions at ${rate} req/s, 50 connections, ${seconds} s`);
  try {
    const result = await soakDecisions(server, relying, HTTP_ASKS, subjects, registry.rt.db, {
      connections: 50,
      seconds,
      rate,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
  }
} finally {
  for (let c = cleanups.pop(); c !== undefined; c = cleanups.pop()) await c().catch((e: unknown) => log(String(e)));
}
