/**
 * `node bench/soak-long.ts [--seconds 240] [--rate 4700]`: the bench's soak (soak.ts) for longer, alone, on one
 * server as `npm start` runs it (the log on, the default request log), printing its resident memory every 10 s:
 * whether memory levels off at a rate, which the bench's 60 s soak, comparing its seconds 10–20 with its last ten,
 * cannot always tell from the heap still growing to its size. Prints one JSON object on stdout at the end.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { createRandom } from '../src/domain/identifier-generators.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { openRegistry } from '../src/services/runtime/open-registry.ts';
import { courtFilings, distinctSubjects, mixedBatches } from './data.ts';
import { HTTP_ASKS } from './decision-load.ts';
import { startServerChild } from './http.ts';
import { importFilings } from './import.ts';
import { openBenchDatabase } from './setup.ts';
import { soakDecisions } from './soak.ts';

const SEED = 20261121;
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '240' }, rate: { type: 'string', default: '4700' } },
});
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const database = await openBenchDatabase(log);
  cleanups.push(database.drop);
  const registry = await openRegistry(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }), {
    applicationName: 'credence-bench',
    warmIndex: true,
  });
  cleanups.push(registry.close);
  const { rt } = registry;
  const relying = await createPrincipal(rt, {
    role: 'relying',
    name: 'Bench soak',
    actions: [...rt.policy.actions.keys()],
    purposes: [...rt.policy.purposes.keys()],
  });
  await createPrincipal(rt, { role: 'agency', name: 'Bench court', agency_kind: 'court', agency_id: 'bj-1-ipc' });
  const filings = courtFilings(SEED, 4000, rt.clock());
  await importFilings(rt, { agency_id: 'bj-1-ipc', agency_kind: 'court' }, filings.inputs, 2000);
  const unknown = distinctSubjects(createRandom(SEED + 2), 2000).map((s) => s.ref);
  const subjects = mixedBatches(filings.subjects, unknown, 1, 1000)[0]!;
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
    const result = await soakDecisions(
      server,
      { id: relying.principal.id, key: relying.key },
      HTTP_ASKS,
      subjects,
      rt.db,
      {
        connections: 50,
        seconds,
        rate,
      },
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
  }
} finally {
  for (let c = cleanups.pop(); c !== undefined; c = cleanups.pop()) await c().catch((e: unknown) => log(String(e)));
}
