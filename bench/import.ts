/**
 * Bulk import against raw COPY of the same rows. The import is the real path (validation,
 * idempotency check, subjects, records, ledger, projections, one transaction per batch); COPY
 * writes only the records' rows, as the baseline the design measures it against.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { canonicalJson, sha256Hex } from '../src/domain/canonical.ts';
import { dependencyOrder } from '../src/services/runtime/backup-manifest.ts';
import { getTableShapes } from '../src/store/backup.repository.ts';
import type { DB } from '../src/store/schema.ts';
import type { RecordInput } from '../src/domain/record-input.ts';
import type { ServiceContext } from '../src/services/context.ts';
import { importRecords } from '../src/services/records/import.service.ts';
import { fileRecords, type Filer } from '../src/services/records/intake.service.ts';
import { RECORD_COLUMNS } from '../src/store/records.repository.ts';

export type CopyRow = readonly (string | null)[];

export interface ImportResult {
  readonly ms: number;
  readonly created: number;
  readonly rejected: number;
}

/** Files `inputs` for one agency in batches, at the context's clock, timing the whole import. */
export async function importFilings(
  ctx: ServiceContext,
  filer: Filer,
  inputs: readonly RecordInput[],
  batchSize: number,
): Promise<ImportResult> {
  let created = 0;
  let rejected = 0;
  const started = performance.now();
  for (let i = 0; i < inputs.length; i += batchSize) {
    const result = await fileRecords(ctx, filer, inputs.slice(i, i + batchSize));
    created += result.accepted.filter((a) => a.status === 'created').length;
    rejected += result.rejected.length;
  }
  return { ms: performance.now() - started, created, rejected };
}

/**
 * Imports `inputs` as `credence import` does, from NDJSON text in memory (made before timing): read, parsed and
 * checked a batch ahead of the batch being written (services/records/import.service.ts).
 */
export async function importFile(
  ctx: ServiceContext,
  filer: Filer,
  inputs: readonly RecordInput[],
  batchSize: number,
): Promise<ImportResult> {
  const lines = inputs.map((input) => `${JSON.stringify(input)}\n`);
  const chunks = Array.from({ length: Math.ceil(lines.length / 1000) }, (_, i) =>
    Buffer.from(lines.slice(i * 1000, (i + 1) * 1000).join('')),
  );
  const started = performance.now();
  const summary = await importRecords(ctx, { source: Readable.from(chunks), format: 'ndjson', filer, batchSize });
  return { ms: performance.now() - started, created: summary.created, rejected: summary.rejected };
}

/** The rows the import stores for `inputs`, with ids, as COPY text fields (built before timing). */
export function recordRows(inputs: readonly RecordInput[], agencyId: string, filedAt: Date): CopyRow[] {
  const filed = filedAt.toISOString();
  return inputs.map((input, i) => {
    const id = String(i + 1);
    return [
      id,
      id,
      agencyId,
      String(input.source_ref),
      String(input.type),
      String(input.decided_at),
      String(input.decided_at),
      null,
      filed,
      String(input.legal_basis),
      String(input.document_ref),
      typeof input.summary === 'string' ? input.summary : null,
      JSON.stringify(input.attributes ?? {}),
      'active',
      sha256Hex(canonicalJson(input)),
    ];
  });
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: string | null): string {
  return value === null ? '\\N' : value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);
}

function* textChunks(rows: readonly CopyRow[], rowsPerChunk = 1000): Generator<string> {
  for (let i = 0; i < rows.length; i += rowsPerChunk) {
    let chunk = '';
    for (const row of rows.slice(i, i + rowsPerChunk)) chunk += `${row.map(field).join('\t')}\n`;
    yield chunk;
  }
}

/** COPY ... FROM STDIN (text format) of `rows` into `table`, in one statement; returns ms. */
export async function copyRows(pool: pg.Pool, table: string, rows: readonly CopyRow[]): Promise<number> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyFrom(`copy ${table} (${RECORD_COLUMNS.join(', ')}) from stdin`));
    await pipeline(Readable.from(textChunks(rows)), stream);
    return performance.now() - started;
  } finally {
    client.release();
  }
}

/** Tables an import does not write: everything else in the schema is copied. */
const NOT_WRITTEN_BY_IMPORT = [
  'policies',
  'principals',
  'agencies',
  'inquiries',
  'credence_migration',
  'credence_migration_lock',
];

async function writtenTables(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = current_schema() and tablename not like 'bench\\_%' " +
      'and not (tablename = any($1)) order by tablename',
    [NOT_WRITTEN_BY_IMPORT],
  );
  return rows.map((r) => r.name);
}

async function copyOut(client: pg.PoolClient, table: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  const stream = client.query(copyTo(`copy ${table} to stdout`));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

/**
 * Raw COPY of everything the import wrote into the very tables it wrote them to, with their keys, indexes,
 * constraints and triggers (the maintained counts): in one transaction, the tables are emptied, their rows copied
 * back in the order their foreign keys need, and the transaction rolled back (the database is left as it was).
 * Returns the ms the COPYs took.
 */
export async function copyIntoWrittenTablesMs(pool: pg.Pool, db: Kysely<DB>): Promise<number> {
  const client = await pool.connect();
  try {
    const written = new Set(await writtenTables(client));
    // In the order a restore loads them: each table after those its foreign keys reference.
    const tables = dependencyOrder(await getTableShapes(db))
      .map((table) => table.name)
      .filter((name) => written.has(name));
    const contents = new Map<string, Buffer[]>();
    for (const table of tables) contents.set(table, await copyOut(client, table));
    await client.query('begin');
    try {
      await client.query(`truncate ${tables.join(', ')} cascade`);
      const started = performance.now();
      for (const table of tables)
        await pipeline(Readable.from(contents.get(table)!), client.query(copyFrom(`copy ${table} from stdin`)));
      return performance.now() - started;
    } finally {
      await client.query('rollback');
    }
  } finally {
    client.release();
  }
}

/**
 * Raw COPY of everything the import wrote (every table it writes, with its indexes): copies
 * each table out to memory, then times COPY FROM into empty `like <table> including all`
 * copies. Returns the total and each table's milliseconds.
 */
export async function copyWrittenTablesMs(pool: pg.Pool): Promise<{ ms: number; byTable: Map<string, number> }> {
  const client = await pool.connect();
  try {
    const tables = await writtenTables(client);
    const contents = new Map<string, Buffer[]>();
    for (const table of tables) contents.set(table, await copyOut(client, table));
    for (const table of tables) await client.query(`create table bench_${table} (like ${table} including all)`);
    const byTable = new Map<string, number>();
    for (const [table, chunks] of contents) {
      const started = performance.now();
      await pipeline(Readable.from(chunks), client.query(copyFrom(`copy bench_${table} from stdin`)));
      byTable.set(table, performance.now() - started);
    }
    for (const table of tables) await client.query(`drop table bench_${table}`);
    return { ms: [...byTable.values()].reduce((sum, ms) => sum + ms, 0), byTable };
  } finally {
    client.release();
  }
}
