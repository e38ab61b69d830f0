/**
 * `node bench/import-focus.ts`: the import part of `npm run bench` alone, for working on the import. Imports court
 * filings in chunks through the per-request path (`fileRecords`, COPY off), the bulk path (`fileRecords`, COPY on)
 * and, with `--file`, the whole of `credence import` (NDJSON read, parsed and checked a batch ahead: `importRecords`)
 * in turn (request, bulk, [file, file,] bulk, request, so that a drift of the machine falls on all alike), then times
 * raw COPY of the records, and of everything the import wrote, on the same database. Prints one JSON object on stdout.
 *
 *   node bench/import-focus.ts [--chunk 10000] [--batch 5000] [--only bulk|request|file] [--file] [--serial]
 *     [--statements]
 *
 * --serial compares the bulk path with its COPYs run one after another (serial) and pipelined (bulk).
 * --statements adds the time spent in each kind of SQL statement (its first words), summed over the imports.
 */

import os from 'node:os';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createPrincipal } from '../src/services/accounts/principals.service.ts';
import { openRegistry, type Registry } from '../src/services/runtime/open-registry.ts';
import { setBulkCopy, setPipelinedCopies } from '../src/store/copy-in.ts';
import { courtFilings } from './data.ts';
import { median } from './evaluate.ts';
import {
  copyIntoWrittenTablesMs,
  copyRows,
  copyWrittenTablesMs,
  importFile,
  importFilings,
  recordRows,
  type CopyRow,
} from './import.ts';
import { openBenchDatabase } from './setup.ts';

const SEED = 20261121;
const AGENCY_ID = 'bj-1-ipc';
const FILER = { agency_id: AGENCY_ID, agency_kind: 'court' } as const;

const ORDER = ['request', 'bulk', 'bulk', 'request'] as const;
const FILE_ORDER = ['request', 'bulk', 'file', 'file', 'bulk', 'request'] as const;
/** --serial: the bulk path with its COPYs one after another against it pipelined (copy-in.ts pipelineCopies). */
const SERIAL_ORDER = ['serial', 'bulk', 'bulk', 'serial'] as const;
type Mode = (typeof FILE_ORDER)[number] | 'serial';

const log = (message: string) => process.stderr.write(`import-focus: ${message}\n`);
const perSecond = (count: number, ms: number) => count / (ms / 1000);

async function medianCopyMs(registry: Registry, rows: readonly CopyRow[]): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    await sql`create table bench_copy (like records including defaults)`.execute(registry.rt.db);
    times.push(await copyRows(registry.database.pool, 'bench_copy', rows));
    await sql`drop table bench_copy`.execute(registry.rt.db);
  }
  return median(times);
}

/** Times every query a pg client runs, by its first 70 characters; returns the sums, in ms. */
function timeStatements(): Map<string, number> {
  const sums = new Map<string, number>();
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function timed(this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    const result = query.apply(this, args);
    if (text === undefined) return result;
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
    const started = performance.now();
    const add = () => sums.set(key, (sums.get(key) ?? 0) + performance.now() - started);
    if (result instanceof Promise) return result.finally(add);
    if (result instanceof Writable) result.once('finish', add); // COPY ... FROM STDIN: done once it is acknowledged
    return result;
  } as typeof pg.Client.prototype.query;
  return sums;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      chunk: { type: 'string' },
      batch: { type: 'string' },
      only: { type: 'string' },
      statements: { type: 'boolean' },
      file: { type: 'boolean' },
      serial: { type: 'boolean' },
    },
  });
  const chunk = Number(values.chunk ?? 10_000);
  const batch = Number(values.batch ?? 5000);
  const modes: readonly Mode[] =
    values.serial === true ? SERIAL_ORDER : values.file === true || values.only === 'file' ? FILE_ORDER : ORDER;
  const order = modes.filter((mode) => values.only === undefined || mode === values.only);
  const loadBefore = os.loadavg()[0]!;
  const database = await openBenchDatabase(log);
  try {
    const registry = await openRegistry(loadConfig({ DATABASE_URL: database.url }), {
      applicationName: 'credence-bench-import',
    });
    try {
      await createPrincipal(registry.rt, {
        role: 'agency',
        name: 'Bench court',
        agency_kind: 'court',
        agency_id: AGENCY_ID,
      });
      const now = registry.rt.clock();
      const filings = courtFilings(SEED, order.length * chunk, now);
      const copyMs = await medianCopyMs(registry, recordRows(filings.inputs.slice(0, chunk), AGENCY_ID, now));
      const rawCopy = perSecond(chunk, copyMs);
      const statements = values.statements === true ? timeStatements() : undefined;
      const totals: Record<Mode, { ms: number; created: number }> = {
        request: { ms: 0, created: 0 },
        bulk: { ms: 0, created: 0 },
        file: { ms: 0, created: 0 },
        serial: { ms: 0, created: 0 },
      };
      for (const [i, mode] of order.entries()) {
        const inputs = filings.inputs.slice(i * chunk, (i + 1) * chunk);
        setBulkCopy(mode !== 'request');
        setPipelinedCopies(mode !== 'serial');
        const result =
          mode === 'file'
            ? await importFile(registry.rt, FILER, inputs, batch)
            : await importFilings(registry.rt, FILER, inputs, batch);
        if (result.rejected > 0) log(`WARNING: ${result.rejected} rejected`);
        log(`chunk ${i + 1} (${mode}): ${Math.round(perSecond(result.created, result.ms))} records/s`);
        totals[mode].ms += result.ms;
        totals[mode].created += result.created;
      }
      if (statements !== undefined) {
        for (const [key, ms] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 30))
          log(`${String(Math.round(ms)).padStart(7)} ms  ${key}`);
        statements.clear();
      }
      await sql`analyze`.execute(registry.rt.db);
      const sizes = await sql<{ name: string; rows: string; bytes: string }>`
        select c.relname as name, c.reltuples::bigint::text as rows, pg_total_relation_size(c.oid)::text as bytes
        from pg_class c where c.relname in ('notices', 'ledger', 'records', 'subject_state', 'list_entries',
          'subjects', 'subject_identifiers')`.execute(registry.rt.db);
      for (const r of sizes.rows) log(`${r.name}: ${r.rows} rows, ${Math.round(Number(r.bytes) / 1024)} KiB`);
      setBulkCopy(true);
      const written = await copyWrittenTablesMs(registry.database.pool);
      const created = Object.values(totals).reduce((sum, t) => sum + t.created, 0);
      const rawAll = perSecond(created, written.ms);
      const rawInto = perSecond(created, await copyIntoWrittenTablesMs(registry.database.pool, registry.rt.db));
      const figures: Record<string, number> = {
        raw_copy_records_per_s: rawCopy,
        raw_copy_all_written_per_s: rawAll,
        raw_copy_into_written_tables_per_s: rawInto,
      };
      for (const mode of ['request', 'serial', 'bulk', 'file'] as const) {
        if (totals[mode].created === 0) continue;
        const rate = perSecond(totals[mode].created, totals[mode].ms);
        figures[`${mode}_records_per_s`] = rate;
        figures[`${mode}_vs_copy_ratio`] = rate / rawCopy;
        figures[`${mode}_vs_copy_all_written_ratio`] = rate / rawAll;
        figures[`${mode}_vs_copy_into_written_tables_ratio`] = rate / rawInto;
      }
      const byTable = Object.fromEntries([...written.byTable].map(([t, ms]) => [t, Math.round(ms)]));
      const load = { before: loadBefore, after: os.loadavg()[0]! };
      process.stdout.write(`${JSON.stringify({ chunk, batch, figures, copy_ms_by_table: byTable, load }, null, 1)}\n`);
    } finally {
      await registry.close();
    }
  } finally {
    await database.drop();
  }
}

await main();
