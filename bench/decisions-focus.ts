/**
 * `node bench/decisions-focus.ts [--connections 50,200,1000] [--seconds 5]`: only the HTTP decision part of the
 * bench, on a throwaway database with a small import, for looking at where PostgreSQL's CPU goes per logged
 * decision without running the whole bench. Prints one JSON object on stdout (progress on stderr).
 */

import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { createRandom } from '../src/domain/identifier-generators.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { openRegistry } from '../src/services/runtime/open-registry.ts';
import { courtFilings, distinctSubjects, mixedBatches } from './data.ts';
import { benchDecisionLoad, HTTP_ASKS } from './decision-load.ts';
import { importFilings } from './import.ts';
import { openBenchDatabase } from './setup.ts';

const SEED = 20261121;
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50,200,1000' },
    seconds: { type: 'string', default: '5' },
    records: { type: 'string', default: '4000' },
  },
});
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const database = await openBenchDatabase(log);
  cleanups.push(database.drop);
  const registry = await openRegistry(loadConfig({ DATABASE_URL: database.url }), {
    applicationName: 'credence-bench',
    warmIndex: true,
  });
  cleanups.push(registry.close);
  const { rt } = registry;
  const relying = await createPrincipal(rt, {
    role: 'relying',
    name: 'Bench airline',
    actions: [...rt.policy.actions.keys()],
    purposes: [...rt.policy.purposes.keys()],
  });
  await createPrincipal(rt, { role: 'agency', name: 'Bench court', agency_kind: 'court', agency_id: 'bj-1-ipc' });
  const filings = courtFilings(SEED, Number(values.records), rt.clock());
  await importFilings(rt, { agency_id: 'bj-1-ipc', agency_kind: 'court' }, filings.inputs, 2000);
  await registry.follower.warm();
  const listed = filings.subjects.filter((ref) => rt.index.code(ref.scheme, ref.id) !== rt.index.baseCode);
  const unknown = distinctSubjects(createRandom(SEED + 2), 2000).map((s) => s.ref);
  const subjects = mixedBatches(listed, unknown, 1, 1000)[0]!;
  const postgresPids = async () =>
    (await sql<{ pid: number }>`select pid from pg_stat_activity`.execute(rt.db)).rows.map((r) => r.pid);
  const figures = await benchDecisionLoad(
    {
      databaseUrl: database.url,
      key: relying.key,
      asks: HTTP_ASKS,
      subjects,
      postgresPids,
      connections: values.connections.split(',').map(Number),
      seconds: Number(values.seconds),
      log,
    },
    (cleanup) => cleanups.push(cleanup),
  );
  process.stdout.write(`${JSON.stringify({ ...figures, load_average: (await import('node:os')).loadavg()[0] })}\n`);
} finally {
  for (let c = cleanups.pop(); c !== undefined; c = cleanups.pop()) await c().catch((e: unknown) => log(String(e)));
}
