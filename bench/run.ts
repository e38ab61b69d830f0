/**
 * `npm run bench`: measures the DESIGN.md performance targets on a throwaway database and
 * prints a table (or, with --json, one JSON object on stdout; progress goes to stderr).
 *
 *   npm run bench                       the table
 *   npm run bench -- --json             JSON only on stdout
 *   npm run bench -- --server-prof DIR  also write a CPU profile of the HTTP server to DIR
 *
 * DATABASE_URL picks a server (a database bench_<pid> is created and dropped); without it an
 * embedded cluster is created in a temporary directory and removed. Exit code 0 whatever the
 * figures: a missed target is printed as MISS, not raised.
 */

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { createRandom } from '../src/domain/identifier-generators.ts';
import { openRegistry, type Registry } from '../src/services/runtime/open-registry.ts';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import type { DB } from '../src/store/schema.ts';
import { courtFilings, distinctSubjects, mixedBatches, subjectFiles } from './data.ts';
import { measureBatchChecks, measureLoggedBatches, measureSingleDecisions, type Ask } from './decisions.ts';
import { measureEvaluations, measureRescoring, median } from './evaluate.ts';
import { loadBareRoute, loadDecisions, startServerChild, type LoadOptions } from './http.ts';
import { copyRows, copyWrittenTablesMs, importFilings, recordRows, type CopyRow } from './import.ts';
import { collectGarbage } from './heap.ts';
import { measureIndexMemory } from './index-memory.ts';
import { createBenchLogKey, measureLogIntegration } from './log.ts';
import { toJson, toTable, type Figures, type Machine } from './report.ts';
import { openBenchDatabase, postgresVersion } from './setup.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261121;
const IMPORT_RECORDS = 50_000;
const IMPORT_BATCH = 5_000;
const EVALUATED_SUBJECTS = 200_000;
const CHECK_BATCH = 10_000;
const INDEX_ENTRIES = 1_000_000;
const HTTP = { connections: 50, seconds: 8, warmupSeconds: 2 } as const;
const AGENCY_ID = 'bj-1-ipc';
const ASK: Ask = { action: 'travel.air.premium_class', purpose: 'ticketing' };
const HTTP_ASKS: readonly Ask[] = [
  ASK,
  { action: 'procurement.bid', purpose: 'procurement' },
  { action: 'permits.application', purpose: 'permit' },
  { action: 'lodging.star_hotel', purpose: 'lodging' },
];

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const perSecond = (count: number, ms: number) => count / (ms / 1000);

interface Principals {
  readonly relying: Awaited<ReturnType<typeof createPrincipal>>;
}

async function createPrincipals(registry: Registry): Promise<Principals> {
  const { policy } = registry.rt;
  await createPrincipal(registry.rt, {
    role: 'agency',
    name: "Beijing No. 1 Intermediate People's Court",
    agency_kind: 'court',
    agency_id: AGENCY_ID,
  });
  const relying = await createPrincipal(registry.rt, {
    role: 'relying',
    name: 'Bench airline',
    actions: [...policy.actions.keys()],
    purposes: [...policy.purposes.keys()],
  });
  return { relying };
}

/** The median of 3 COPYs of `rows` into fresh tables `like records <including>`. */
async function medianCopyMs(registry: Registry, rows: readonly CopyRow[], including: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    await sql`create table bench_copy (like records ${sql.raw(including)})`.execute(registry.rt.db);
    times.push(await copyRows(registry.database.pool, 'bench_copy', rows));
    await sql`drop table bench_copy`.execute(registry.rt.db);
  }
  return median(times);
}

/** Import vs raw COPY of the same rows; returns the imported subjects. */
async function benchImport(registry: Registry, figures: Figures): Promise<SubjectRef[]> {
  const { rt } = registry;
  const now = rt.clock();
  const filings = courtFilings(SEED, IMPORT_RECORDS, now);
  const rows = recordRows(filings.inputs, AGENCY_ID, now);
  log(`COPY ${rows.length} rows, 3 times into each of two scratch tables`);
  const copyMs = await medianCopyMs(registry, rows, 'including defaults');
  const copyIndexedMs = await medianCopyMs(registry, rows, 'including all');
  log(`importing ${filings.inputs.length} records with fileRecords, batches of ${IMPORT_BATCH}`);
  const imported = await importFilings(
    rt,
    { agency_id: AGENCY_ID, agency_kind: 'court' },
    filings.inputs,
    IMPORT_BATCH,
  );
  if (imported.rejected > 0) log(`WARNING: ${imported.rejected} records rejected`);
  figures.import_records_per_s = perSecond(imported.created, imported.ms);
  figures.raw_copy_rows_per_s = perSecond(rows.length, copyMs);
  figures.import_vs_copy_ratio = figures.import_records_per_s / figures.raw_copy_rows_per_s;
  figures.raw_copy_indexed_rows_per_s = perSecond(rows.length, copyIndexedMs);
  log('COPY of every table the import wrote, into empty copies with their indexes');
  const written = await copyWrittenTablesMs(registry.database.pool);
  log(
    `  ${[...written.byTable]
      .filter(([, ms]) => ms >= 1)
      .map(([table, ms]) => `${table} ${Math.round(ms)} ms`)
      .join(', ')}`,
  );
  figures.raw_copy_all_written_records_per_s = perSecond(imported.created, written.ms);
  figures.import_vs_copy_all_written_ratio = figures.import_records_per_s / figures.raw_copy_all_written_records_per_s;
  figures.import_records = imported.created;
  return filings.subjects;
}

async function benchRescoring(registry: Registry, figures: Figures): Promise<void> {
  const { rt } = registry;
  log('rescoring the imported subjects through the database (rolled back)');
  const rescored = await measureRescoring(rt.db, rt.policy, rt.clock());
  figures.rescoring_subjects_per_s = rescored.perSecond;
  figures.rescored_subjects = rescored.subjects;
  const now = rt.clock();
  log(`evaluating ${EVALUATED_SUBJECTS} in-memory subject files`);
  figures.evaluations_per_s = measureEvaluations(
    rt.policy,
    subjectFiles(rt.policy, SEED + 1, EVALUATED_SUBJECTS, now),
    now,
  );
}

async function benchDecisions(
  registry: Registry,
  principals: Principals,
  batches: SubjectRef[][],
  figures: Figures,
): Promise<void> {
  const { rt } = registry;
  const principal = principals.relying.principal;
  log(`checkSubjects over batches of ${CHECK_BATCH} for ~2 s`);
  const checks = measureBatchChecks(rt, principal, ASK, batches);
  figures.batch_checks_per_s = checks.perSecond;
  figures.batch_share_not_allowed = checks.notAllowed;
  log('decideBatch with the inquiry log committed, ~2 s');
  figures.batch_decisions_logged_per_s = await measureLoggedBatches(rt, principal, ASK, batches);
  log('single decide() calls, 50 in flight, ~2 s');
  figures.single_decisions_logged_per_s = await measureSingleDecisions(rt, principal, ASK, batches[0]!);
  await rt.log.drain();
  figures.inquiries_logged = rt.log.written;
}

type Defer = (cleanup: () => Promise<unknown>) => void;

async function benchHttp(
  db: Kysely<DB>,
  databaseUrl: string,
  key: string,
  subjects: readonly SubjectRef[],
  server: { serverProf: string | undefined; serverEnv: Readonly<Record<string, string>> },
  defer: Defer,
  figures: Figures,
): Promise<void> {
  const postgresPids = async () =>
    (await sql<{ pid: number }>`select pid from pg_stat_activity`.execute(db)).rows.map((r) => r.pid);
  const { serverProf, serverEnv } = server;
  const nodeArgs = serverProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(serverProf)}`];
  // The server signs with the key the bench integrated with: a log never changes its key.
  const child = await startServerChild(databaseUrl, nodeArgs, log, serverEnv);
  defer(child.stop); // also on SIGINT/SIGTERM
  const load: LoadOptions = { ...HTTP, postgresPids };
  try {
    log(`GET /health/live: ${HTTP.connections} connections, ${HTTP.warmupSeconds} s warm-up + ${HTTP.seconds} s`);
    const bare = await loadBareRoute(child, load);
    log(`POST /v1/decisions over ${subjects.length} subjects: same load`);
    const decisions = await loadDecisions(child, key, HTTP_ASKS, subjects, load);
    Object.assign(figures, {
      decision_http_per_s: decisions.perSecond,
      bare_route_http_per_s: bare.perSecond,
      decision_http_ratio: decisions.perSecond / bare.perSecond,
      decision_http_p99_ms: decisions.p99Ms,
      bare_route_http_p99_ms: bare.p99Ms,
      decision_http_p50_ms: decisions.p50Ms,
      decision_http_non2xx: decisions.non2xx,
      decision_http_errors: decisions.errors + bare.errors + bare.non2xx,
      decision_http_generator_cores: decisions.generatorCores,
      bare_route_http_generator_cores: bare.generatorCores,
    });
    if (decisions.serverCores !== undefined) figures.decision_http_server_cores = decisions.serverCores;
    if (bare.serverCores !== undefined) figures.bare_route_http_server_cores = bare.serverCores;
    if (decisions.postgresCores !== undefined) figures.decision_http_postgres_cores = decisions.postgresCores;
  } finally {
    await child.stop();
  }
}

async function measureAll(
  databaseUrl: string,
  registry: Registry,
  serverProf: string | undefined,
  defer: Defer,
): Promise<Figures> {
  const figures: Figures = {};
  const principals = await createPrincipals(registry);
  const imported = await benchImport(registry, figures);
  log('integrating every ledger event into the transparency log (hash tiles, signed checkpoints)');
  const logKey = createBenchLogKey();
  const integrated = await measureLogIntegration(registry.rt, logKey.signer);
  figures.log_integration_entries_per_s = integrated.perSecond;
  figures.log_integrated_entries = integrated.entries;
  await registry.follower.warm();
  const index = registry.rt.index;
  const listed = imported.filter((ref) => index.code(ref.scheme, ref.id) !== index.baseCode);
  figures.listed_identifiers = listed.length;
  await benchRescoring(registry, figures);
  const unknown = distinctSubjects(
    createRandom(SEED + 2),
    20_000,
    new Set(imported.map((r) => `${r.scheme}:${r.id}`)),
  ).map((s) => s.ref);
  const batches = mixedBatches(listed, unknown, 8, CHECK_BATCH);
  await benchDecisions(registry, principals, batches, figures);
  log(`filling a fresh decision index with ${INDEX_ENTRIES.toLocaleString('en-US')} listed identifiers`);
  const memory = measureIndexMemory(registry.rt.policy, INDEX_ENTRIES);
  figures.index_bytes_per_listed_subject = memory.bytesPerEntry;
  figures.index_entries_measured = memory.entries;
  collectGarbage(); // the load generator should not have to collect the bench's garbage
  await benchHttp(
    registry.rt.db,
    databaseUrl,
    principals.relying.key,
    batches[0]!.slice(0, 1000),
    { serverProf, serverEnv: logKey.serverEnv },
    defer,
    figures,
  );
  return figures;
}

/** The commit measured, marked `-dirty` when src/ or policies/ differ from it. */
function sourceVersion(): string {
  try {
    const run = (args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = run(['rev-parse', '--short', 'HEAD']);
    const dirty = run(['status', '--porcelain', '--', 'src', 'policies']) === '' ? '' : '-dirty';
    return `${head}${dirty}`;
  } catch {
    return 'unknown';
  }
}

function round(figures: Figures): Figures {
  return Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [
      k,
      Number.isInteger(v) ? v : Math.abs(v) >= 100 ? Math.round(v) : Number(v.toFixed(3)),
    ]),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, 'server-prof': { type: 'string' } } });
  const started = performance.now();
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (let c = cleanups.pop(); c !== undefined; c = cleanups.pop())
      await c().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const database = await openBenchDatabase(log);
    cleanups.push(database.drop);
    const registry = await openRegistry(loadConfig({ DATABASE_URL: database.url }), {
      applicationName: 'credence-bench',
      warmIndex: true,
    });
    cleanups.push(registry.close);
    const machine: Machine = {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: await postgresVersion(database.url),
      database: database.description,
      load_average: Number(os.loadavg()[0]!.toFixed(2)),
      commit: sourceVersion(),
      inquiry_synchronous_commit: process.env.CREDENCE_INQUIRY_SYNCHRONOUS_COMMIT?.trim() || 'on',
    };
    const figures = round(
      await measureAll(database.url, registry, values['server-prof'], (cleanup) => cleanups.push(cleanup)),
    );
    await cleanUp();
    const extra = { bench_seconds: Math.round((performance.now() - started) / 1000) };
    log(`done in ${extra.bench_seconds} s`);
    process.stdout.write(values.json === true ? `${toJson(figures, machine, extra)}\n` : toTable(figures, machine));
  } finally {
    await cleanUp();
  }
}

await main();
