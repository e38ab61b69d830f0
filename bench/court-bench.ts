/**
 * What the focused decision benches (connections.ts, decisions-focus.ts, soak-long.ts) start from: a throwaway
 * database; a registry on it with its index warm; a relying service allowed every action and purpose; a court
 * with `records` synthetic filings imported; and 1,000 identifiers to ask about, listed and unknown alternating.
 * Everything opened is pushed on `cleanups`, for the caller to undo in reverse order.
 */

import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { createRandom } from '../src/domain/identifier-generators.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import { openRegistry, type Registry } from '../src/services/runtime/open-registry.ts';
import { courtFilings, distinctSubjects, mixedBatches } from './data.ts';
import { importFilings } from './import.ts';
import { type BenchDatabase, openBenchDatabase } from './setup.ts';

const SEED = 20261121;

interface CourtBench {
  readonly database: BenchDatabase;
  readonly registry: Registry;
  readonly relying: { readonly id: string; readonly key: string };
  readonly subjects: readonly SubjectRef[];
  /** The PostgreSQL backends now, for reading their CPU. */
  postgresPids(): Promise<number[]>;
}

export async function openCourtBench(
  log: (message: string) => void,
  cleanups: (() => Promise<unknown>)[],
  options: { readonly records: number; readonly env?: Record<string, string> },
): Promise<CourtBench> {
  const database = await openBenchDatabase(log);
  cleanups.push(database.drop);
  const config = loadConfig({ ...options.env, DATABASE_URL: database.url });
  const registry = await openRegistry(config, { applicationName: 'credence-bench', warmIndex: true });
  cleanups.push(registry.close);
  const { rt } = registry;
  const relying = await createPrincipal(rt, {
    role: 'relying',
    name: 'Bench airline',
    actions: [...rt.policy.actions.keys()],
    purposes: [...rt.policy.purposes.keys()],
  });
  await createPrincipal(rt, { role: 'agency', name: 'Bench court', agency_kind: 'court', agency_id: 'bj-1-ipc' });
  const filings = courtFilings(SEED, options.records, rt.clock());
  await importFilings(rt, { agency_id: 'bj-1-ipc', agency_kind: 'court' }, filings.inputs, 2000);
  await registry.follower.warm();
  const listed = filings.subjects.filter((ref) => rt.index.code(ref.scheme, ref.id) !== rt.index.baseCode);
  const unknown = distinctSubjects(createRandom(SEED + 2), 2000).map((s) => s.ref);
  return {
    database,
    registry,
    relying: { id: relying.principal.id, key: relying.key },
    subjects: mixedBatches(listed, unknown, 1, 1000)[0]!,
    postgresPids: async () =>
      (await sql<{ pid: number }>`select pid from pg_stat_activity`.execute(rt.db)).rows.map((r) => r.pid),
  };
}
