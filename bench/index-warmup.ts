/**
 * Decision index warm-up: how long a server takes, from the database, to build its index of listed subjects
 * (LedgerFollower.warm). Synthetic listed subjects are written straight into the projections (no records: warm-up
 * reads only subject_state and subject_identifiers), the index is warmed, then they are deleted again. Run alone:
 * `node bench/index-warmup.ts --subjects 1000000`.
 */

import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { DecisionIndex } from '../src/services/decisions/decision-index.ts';
import { WARMUP_SPLIT, warmIndex } from '../src/services/runtime/index-warmup.ts';
import { openRegistry, type Registry } from '../src/services/runtime/open-registry.ts';
import type { DB } from '../src/store/schema.ts';
import { openBenchDatabase } from './setup.ts';

/** Above the ids of real subjects; the synthetic ones are removed afterwards. */
const FIRST_ID = 9_000_000_000_000;

/**
 * Inserts `count` listed subjects in the mix the default policy produces (most on judgment-defaulters, some on
 * two lists, a few only graded), each with a resident ID and a next change within 2 years.
 */
async function insertListedSubjects(db: Kysely<DB>, count: number, digest: string): Promise<void> {
  await sql`
    insert into subjects (id, kind, name, created_at)
    select ${FIRST_ID}::bigint + n, 'person', 'bench', now() from generate_series(1, ${count}::int) n
  `.execute(db);
  await sql`
    insert into subject_identifiers (scheme, value, subject_id)
    select 'cn-rid', '9' || lpad(n::text, 16, '0') || (n % 10)::text, ${FIRST_ID}::bigint + n
    from generate_series(1, ${count}::int) n
  `.execute(db);
  await sql`
    insert into subject_state
      (subject_id, score, grade, lists, active_lists, next_change_at, evaluated_at, policy_digest, indexed)
    select ${FIRST_ID}::bigint + n, 900, case when n % 10 = 9 then 'D' else 'B' end, '[]',
      case n % 10 when 9 then '{}'::text[] when 8 then '{judgment-defaulters,serious-dishonesty}'
        else '{judgment-defaulters}' end,
      now() + make_interval(days => 1 + n % 730), now(), ${digest}, true
    from generate_series(1, ${count}::int) n
  `.execute(db);
  await sql`analyze subjects, subject_identifiers, subject_state`.execute(db);
}

async function deleteListedSubjects(db: Kysely<DB>): Promise<void> {
  for (const table of ['subject_state', 'subject_identifiers'] as const)
    await sql`delete from ${sql.table(table)} where subject_id > ${FIRST_ID}::bigint`.execute(db);
  await sql`delete from subjects where id > ${FIRST_ID}::bigint`.execute(db);
}

/** One warm-up's figures: wall time, and this process's CPU time (parsing and filling the index). */
interface WarmupRun {
  readonly ms: number;
  readonly cpuMs: number;
}

async function timeWarmup(warm: () => Promise<unknown>): Promise<WarmupRun> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await warm();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

const best = (runs: readonly WarmupRun[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));

/**
 * Warms the registry's index over `count` synthetic listed subjects (plus those already there) and returns the
 * time per million indexed identifiers (the best of `rounds` warm-ups, as a server warms), the Node CPU time per
 * million, and the same by one COPY rather than WARMUP_SPLIT's, the rounds alternating so that a shared
 * machine's load falls on both alike; the synthetic subjects are gone afterwards and the index warmed again.
 */
export async function measureIndexWarmup(
  registry: Registry,
  count: number,
  rounds = 3,
  /** Delete the synthetic subjects afterwards (not on a throwaway database: at 22M that took over half an hour). */
  cleanUp = true,
): Promise<{ msPerMillion: number; cpuMsPerMillion: number; entries: number; ms: number; oneCopyMs: number }> {
  const db = registry.rt.db;
  await insertListedSubjects(db, count, registry.rt.policy.digest);
  try {
    // Once to load the pages into PostgreSQL's cache (a restarted server finds them on disk or in the OS cache).
    await registry.follower.warm();
    const served: WarmupRun[] = [];
    const oneCopy: WarmupRun[] = [];
    for (let round = 0; round < rounds; round += 1) {
      served.push(await timeWarmup(() => registry.follower.warm()));
      const index = new DecisionIndex(registry.rt.policy);
      oneCopy.push(await timeWarmup(() => warmIndex(index, registry.database.pool, { ...WARMUP_SPLIT, parts: 1 })));
    }
    const entries = registry.rt.index.size;
    const { ms, cpuMs } = best(served);
    const perMillion = (value: number) => value / (entries / 1e6);
    return {
      msPerMillion: perMillion(ms),
      cpuMsPerMillion: perMillion(cpuMs),
      entries,
      ms,
      oneCopyMs: best(oneCopy).ms,
    };
  } finally {
    if (cleanUp) {
      await deleteListedSubjects(db);
      await registry.follower.warm();
    }
  }
}

/** `node bench/index-warmup.ts [--subjects N] [--rounds R]`: the warm-up alone, on a throwaway database. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { subjects: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' } },
  });
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const database = await openBenchDatabase(log);
  try {
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
    const registry = await openRegistry(config, { applicationName: 'credence-bench-warmup', warmIndex: false });
    try {
      const started = os.loadavg();
      // The database is dropped afterwards: its synthetic subjects need not be deleted first.
      const figures = await measureIndexWarmup(registry, Number(values.subjects), Number(values.rounds), false);
      const load = (avg: number[]) => avg.map((n) => n.toFixed(2)).join(' ');
      const perMillion = (ms: number) => Math.round(ms / (figures.entries / 1e6));
      log(
        `${figures.entries.toLocaleString('en')} identifiers in ${(figures.ms / 1000).toFixed(1)} s: ` +
          `${Math.round(figures.msPerMillion)} ms per million ` +
          `(${WARMUP_SPLIT.parts} COPYs at once; ${perMillion(figures.oneCopyMs)} by one COPY), Node CPU ` +
          `${Math.round(figures.cpuMsPerMillion)} ms per million; ${os.cpus().length} CPUs, load average ` +
          `${load(started)} at the start, ${load(os.loadavg())} at the end`,
      );
    } finally {
      await registry.close();
    }
  } finally {
    await database.drop();
  }
}

if (import.meta.main) await main();
