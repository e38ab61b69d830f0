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
import type { RecordInput } from '../src/domain/record-input.ts';
import { openRegistry, type Registry } from '../src/services/runtime/open-registry.ts';
import type { SubjectRef } from '../src/services/decisions/decisions.service.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import type { DB } from '../src/store/schema.ts';
import { courtFilings, distinctSubjects, mixedBatches, subjectFiles } from './data.ts';
import { measureBatchChecks, measureLoggedBatches, measureSingleDecisions, type Ask } from './decisions.ts';
import { benchDecisionLoad, HTTP_ASKS } from './decision-load.ts';
import { measureEvaluations, measureActivation, median } from './evaluate.ts';
import {
  combineRuns,
  type LoadOptions,
  type LoadResult,
  loadBareRoute,
  loadDecisions,
  type ServerChild,
  settle,
  startServerChild,
} from './http.ts';
import {
  copyIntoWrittenTablesMs,
  copyRows,
  copyWrittenTablesMs,
  importFile,
  recordRows,
  type CopyRow,
  type ImportResult,
} from './import.ts';
import { collectGarbage } from './heap.ts';
import { measureIndexMemory } from './index-memory.ts';
import { measureIndexWarmup } from './index-warmup.ts';
import {
  type BenchLogKey,
  createBenchLogKey,
  measureLogIntegration,
  measurePublishLatency,
  waitForPublication,
  withLogOn,
} from './log.ts';
import { toJson, toTable, type Figures, type Machine } from './report.ts';
import { soakDecisions, soakFigures } from './soak.ts';
import { openBenchDatabase, postgresVersion } from './setup.ts';
import { startWitnessChild, type WitnessChild } from './witness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261121;
/** The import runs in four chunks, log off, on, on, off, so that a drift over the run falls on both alike. */
const IMPORT_CHUNK = 10_000;
const IMPORT_RECORDS = 4 * IMPORT_CHUNK;
/**
 * Imported first and not timed: the JIT compiles the import's code in its first seconds, which in a 10,000-record
 * chunk is a quarter of it, and in a city's import of millions nothing.
 */
const IMPORT_WARMUP_RECORDS = 2_000;
const IMPORT_BATCH = 5_000;
const EVALUATED_SUBJECTS = 200_000;
const CHECK_BATCH = 10_000;
const INDEX_ENTRIES = 1_000_000;
const HTTP = { connections: 50, seconds: 8, warmupSeconds: 2 } as const;
/** Decisions are measured in this many slices per server, log on and off in turn: HTTP.seconds in all each. */
const DECISION_SLICES = 4;
const AGENCY_ID = 'bj-1-ipc';
const FILER = { agency_id: AGENCY_ID, agency_kind: 'court' } as const;
const PUBLISH_WRITES = 100;
const ASK: Ask = HTTP_ASKS[0]!;
/** Decisions as load grows: these numbers of connections, each for this many seconds per server (decision-load.ts). */
const DECISION_LOAD = { connections: [50, 200, 1000], seconds: 4 } as const;
/** The soak: this share of the rate measured at 50 connections, held for this long (soak.ts). */
const SOAK = { share: 0.7, connections: 50, seconds: 60 } as const;

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const perSecond = (count: number, ms: number) => count / (ms / 1000);

interface Principals {
  readonly relying: Awaited<ReturnType<typeof createPrincipal>>;
  readonly agency: Awaited<ReturnType<typeof createPrincipal>>;
}

/** The bench's log: its key, and the one local witness the log submits to. */
interface BenchLog {
  readonly key: BenchLogKey;
  readonly witness: WitnessChild;
}

async function createPrincipals(registry: Registry): Promise<Principals> {
  const { policy } = registry.rt;
  const agency = await createPrincipal(registry.rt, {
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
  return { relying, agency };
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

/** Raw COPY of the import's rows into scratch tables: the baseline the import is measured against. */
async function benchCopy(registry: Registry, rows: readonly CopyRow[], figures: Figures): Promise<void> {
  log(`COPY ${rows.length} rows, 3 times into each of two scratch tables`);
  figures.raw_copy_rows_per_s = perSecond(rows.length, await medianCopyMs(registry, rows, 'including defaults'));
  figures.raw_copy_indexed_rows_per_s = perSecond(rows.length, await medianCopyMs(registry, rows, 'including all'));
}

/** Raw COPY of every table the import wrote, against the import's rate. */
async function benchCopyWritten(registry: Registry, created: number, figures: Figures): Promise<void> {
  log('COPY of every table the import wrote, into empty copies with their indexes');
  const written = await copyWrittenTablesMs(registry.database.pool);
  log(
    `  ${[...written.byTable]
      .filter(([, ms]) => ms >= 1)
      .map(([table, ms]) => `${table} ${Math.round(ms)} ms`)
      .join(', ')}`,
  );
  figures.raw_copy_all_written_records_per_s = perSecond(created, written.ms);
  figures.import_vs_copy_all_written_ratio = figures.import_records_per_s! / figures.raw_copy_all_written_records_per_s;
  log('COPY of every table the import wrote, into those tables (keys, constraints, triggers), rolled back');
  figures.raw_copy_into_written_records_per_s = perSecond(
    created,
    await copyIntoWrittenTablesMs(registry.database.pool, registry.rt.db),
  );
  figures.import_vs_copy_into_written_ratio =
    figures.import_records_per_s! / figures.raw_copy_into_written_records_per_s;
}

const total = (results: readonly ImportResult[]) =>
  results.reduce((sum, r) => ({
    ms: sum.ms + r.ms,
    created: sum.created + r.created,
    rejected: sum.rejected + r.rejected,
  }));

/**
 * The bulk import as `credence import` runs it (NDJSON read, parsed and checked a batch ahead of the batch being
 * written: import.service.ts) vs raw COPY of the same rows, with the log off (no integrator, no witness submission)
 * and on (both running in this process as the server runs them), chunk by chunk: off, on, on, off. The log's
 * integration rate: after the first chunk (from an empty tree) and after the last. Returns the imported subjects.
 */
async function benchImport(registry: Registry, benchLog: BenchLog, figures: Figures): Promise<SubjectRef[]> {
  const { rt } = registry;
  const now = rt.clock();
  const filings = courtFilings(SEED, IMPORT_RECORDS + IMPORT_WARMUP_RECORDS, now);
  await benchCopy(registry, recordRows(filings.inputs.slice(0, IMPORT_RECORDS), AGENCY_ID, now), figures);
  log(`importing ${IMPORT_WARMUP_RECORDS} records first, not timed (the JIT's warm-up)`);
  const warmup = await importFile(rt, FILER, filings.inputs.slice(IMPORT_RECORDS), IMPORT_BATCH);
  const importChunk = async (i: number) => {
    const inputs = filings.inputs.slice(i * IMPORT_CHUNK, (i + 1) * IMPORT_CHUNK);
    const result = await importFile(rt, FILER, inputs, IMPORT_BATCH);
    log(`  chunk ${i + 1}: ${Math.round(perSecond(result.created, result.ms))} records/s`);
    return result;
  };
  log(`importing ${IMPORT_CHUNK} records as credence import does (NDJSON), batches of ${IMPORT_BATCH}, log off`);
  const off = [await importChunk(0)];
  log('integrating every ledger event into the transparency log (hash tiles, signed checkpoints)');
  const integrated = [await measureLogIntegration(rt, benchLog.key.signer)];
  log(`importing 2 × ${IMPORT_CHUNK} records, log on (integrator and witness submission in this process)`);
  const on = await withLogOn(registry, benchLog.key.signer, benchLog.witness.serverEnv, async () => [
    await importChunk(1),
    await importChunk(2),
  ]);
  log(`importing ${IMPORT_CHUNK} records, log off`);
  off.push(await importChunk(3));
  log('integrating the events of the last chunk');
  integrated.push(await measureLogIntegration(rt, benchLog.key.signer));
  figures.log_integrated_entries = integrated.reduce((sum, r) => sum + r.entries, 0);
  figures.log_integration_entries_per_s = perSecond(
    figures.log_integrated_entries,
    integrated.reduce((sum, r) => sum + r.ms, 0),
  );
  const [logOn, logOff] = [total(on), total(off)];
  if (logOn.rejected + logOff.rejected > 0) log(`WARNING: ${logOn.rejected + logOff.rejected} records rejected`);
  figures.import_records_per_s = perSecond(logOn.created, logOn.ms);
  figures.import_records_per_s_log_off = perSecond(logOff.created, logOff.ms);
  figures.import_log_on_ratio = figures.import_records_per_s / figures.import_records_per_s_log_off;
  figures.import_vs_copy_ratio = figures.import_records_per_s / figures.raw_copy_rows_per_s!;
  figures.import_records = logOn.created + logOff.created;
  // The raw COPYs copy every row the tables hold, the warm-up's too.
  await benchCopyWritten(registry, figures.import_records + warmup.created, figures);
  return filings.subjects;
}

async function benchRescoring(registry: Registry, figures: Figures): Promise<void> {
  const { rt } = registry;
  log('activating a policy over the imported subjects, end to end');
  const rescored = await measureActivation(rt);
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

/** What the HTTP part needs: the database, the keys, the subjects asked about, the log and the records to file. */
interface HttpBench {
  readonly db: Kysely<DB>;
  readonly databaseUrl: string;
  readonly principals: Principals;
  readonly subjects: readonly SubjectRef[];
  readonly serverProf: string | undefined;
  readonly log: BenchLog;
  /** Filed one at a time to time publication. */
  readonly publishInputs: readonly RecordInput[];
}

/** Starts a server child, log on or off, to be stopped with the bench's cleanups too (SIGINT, SIGTERM). */
async function startServer(bench: HttpBench, logOn: boolean, defer: Defer): Promise<ServerChild> {
  const { serverProf } = bench;
  const nodeArgs = serverProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(serverProf)}`];
  // The server signs with the key the bench integrated with: a log never changes its key.
  const env = { ...bench.log.key.serverEnv, ...bench.log.witness.serverEnv };
  const child = await startServerChild(bench.databaseUrl, nodeArgs, log, env, logOn);
  defer(child.stop);
  return child;
}

function httpFigures(decisions: LoadResult, bare: LoadResult): Figures {
  const figures: Figures = {
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
  };
  if (decisions.serverCores !== undefined) figures.decision_http_server_cores = decisions.serverCores;
  if (bare.serverCores !== undefined) figures.bare_route_http_server_cores = bare.serverCores;
  if (decisions.postgresCores !== undefined) {
    figures.decision_http_postgres_cores = decisions.postgresCores;
    figures.decision_http_postgres_us_per_decision = (decisions.postgresCores * 1e6) / decisions.perSecond;
  }
  return figures;
}

/** The publication latency, on a server with the log on whose witness has cosigned everything so far. */
async function benchPublish(bench: HttpBench, child: ServerChild, figures: Figures): Promise<void> {
  log(`commit to published cosigned checkpoint: ${PUBLISH_WRITES} records filed one at a time`);
  const inputs = bench.publishInputs.slice(0, PUBLISH_WRITES);
  const publish = await measurePublishLatency(child.url, bench.principals.agency.key, bench.db, inputs);
  figures.log_publish_p50_ms = publish.p50Ms;
  figures.log_publish_p99_ms = publish.p99Ms;
  figures.log_publish_samples = publish.samples;
}

/**
 * The same decisions from the log-on and the log-off server in alternate slices (off, on, on, off, twice), the
 * other server frozen meanwhile (SIGSTOP), so that a drift of the machine falls on both alike and nothing of the
 * log runs during a log-off slice. Both servers are warmed up, in turn, before the first slice.
 */
async function interleaveDecisions(
  bench: HttpBench,
  servers: Readonly<Record<'on' | 'off', ServerChild>>,
  load: LoadOptions,
): Promise<Record<'on' | 'off', LoadResult[]>> {
  const results: Record<'on' | 'off', LoadResult[]> = { on: [], off: [] };
  const run = async (mode: 'on' | 'off', seconds: number) => {
    servers[mode].resume();
    const options = { ...load, seconds, warmupSeconds: 0 };
    const result = await loadDecisions(servers[mode], bench.principals.relying.key, HTTP_ASKS, bench.subjects, options);
    await settle(servers[mode], log);
    servers[mode].pause();
    return result;
  };
  log(
    `POST /v1/decisions over ${bench.subjects.length} subjects, ${HTTP.connections} connections: ` +
      `${HTTP.warmupSeconds} s warm-up each, then ${2 * DECISION_SLICES} slices of ` +
      `${HTTP.seconds / DECISION_SLICES} s, log off and on in turn`,
  );
  for (const mode of ['off', 'on'] as const) await run(mode, HTTP.warmupSeconds);
  for (const mode of ['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off'] as const) {
    const result = await run(mode, HTTP.seconds / DECISION_SLICES);
    log(`  log ${mode}: ${Math.round(result.perSecond)} req/s`);
    results[mode].push(result);
  }
  return results;
}

/** The median of the on/off ratios of adjacent slices (off-on, on-off, ...): robust to drift and to one outlier. */
function pairedRatio(slices: Readonly<Record<'on' | 'off', readonly LoadResult[]>>): number {
  return median(slices.on.map((on, i) => on.perSecond / slices.off[i]!.perSecond));
}

/**
 * Over HTTP: a server with the log off, frozen at once, and one with the log on (one local witness, quorum 1):
 * the latency from a write to its published cosigned checkpoint, a bare route, then decisions from both in turn.
 */
async function benchHttp(bench: HttpBench, defer: Defer, figures: Figures): Promise<void> {
  const postgresPids = async () =>
    (await sql<{ pid: number }>`select pid from pg_stat_activity`.execute(bench.db)).rows.map((r) => r.pid);
  const load: LoadOptions = { ...HTTP, postgresPids };
  const off = await startServer(bench, false, defer);
  try {
    off.pause();
    const on = await startServer(bench, true, defer);
    try {
      log('waiting until the server has integrated every event and its witness has cosigned');
      await waitForPublication(on.url, bench.db);
      await benchPublish(bench, on, figures);
      log(`GET /health/live: ${HTTP.connections} connections, ${HTTP.warmupSeconds} s warm-up + ${HTTP.seconds} s`);
      const bare = await loadBareRoute(on, load);
      await settle(on, log);
      on.pause();
      const decisions = await interleaveDecisions(bench, { on, off }, load);
      const [logOn, logOff] = [combineRuns(decisions.on), combineRuns(decisions.off)];
      Object.assign(figures, httpFigures(logOn, bare));
      figures.decision_http_per_s_log_off = logOff.perSecond;
      figures.decision_http_log_on_ratio = pairedRatio(decisions);
      figures.decision_http_errors! += logOff.errors + logOff.non2xx;
    } finally {
      await on.stop();
    }
  } finally {
    await off.stop();
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
  const key = createBenchLogKey();
  const witness = await startWitnessChild(key.signer.verifierKey, log);
  defer(witness.stop);
  const benchLog: BenchLog = { key, witness };
  const imported = await benchImport(registry, benchLog, figures);
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
  log(`index warm-up over ${INDEX_ENTRIES.toLocaleString('en-US')} synthetic listed subjects`);
  figures.index_warmup_ms_per_million = (await measureIndexWarmup(registry, INDEX_ENTRIES)).msPerMillion;
  collectGarbage(); // the load generator should not have to collect the bench's garbage
  const publishInputs = courtFilings(SEED + 3, PUBLISH_WRITES, registry.rt.clock()).inputs;
  const bench = { db: registry.rt.db, databaseUrl, principals, serverProf, log: benchLog, publishInputs };
  await benchHttp({ ...bench, subjects: batches[0]!.slice(0, 1000) }, defer, figures);
  const postgresPids = async () =>
    (await sql<{ pid: number }>`select pid from pg_stat_activity`.execute(registry.rt.db)).rows.map((r) => r.pid);
  const load = { ...DECISION_LOAD, databaseUrl, key: principals.relying.key, asks: HTTP_ASKS, postgresPids, log };
  Object.assign(figures, await benchDecisionLoad({ ...load, subjects: batches[0]!.slice(0, 1000) }, defer));
  await benchSoak({ ...bench, subjects: batches[0]!.slice(0, 1000) }, registry, defer, figures);
  return figures;
}

/**
 * A minute of decisions at SOAK.share of the rate measured at 50 connections, from a principal of its own, on the
 * server as `npm start` runs it (the log on): inquiries must equal answers and memory stay flat (soak.ts).
 */
async function benchSoak(bench: HttpBench, registry: Registry, defer: Defer, figures: Figures): Promise<void> {
  const measured = figures.decision_load_per_s_c50 ?? figures.decision_http_per_s ?? 1000;
  const rate = Math.max(100, Math.round(measured * SOAK.share));
  const { principal, key } = await createPrincipal(registry.rt, {
    role: 'relying',
    name: 'Bench soak',
    actions: [...registry.rt.policy.actions.keys()],
    purposes: [...registry.rt.policy.purposes.keys()],
  });
  const server = await startServer(bench, true, defer);
  try {
    log(`soak: POST /v1/decisions at ${rate} req/s, ${SOAK.connections} connections, ${SOAK.seconds} s`);
    const result = await soakDecisions(server, { id: principal.id, key }, HTTP_ASKS, bench.subjects, bench.db, {
      ...SOAK,
      rate,
    });
    Object.assign(figures, soakFigures(rate, result));
  } finally {
    await server.stop();
  }
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
