/**
 * Bulk import: stream a file of records into intake (`fileRecords`'s two halves) in batches, in constant memory.
 * Each batch is one transaction and the next is filed only after it commits, so an import
 * interrupted at any point leaves whole batches; run again, it files the rest and answers
 * the lines already filed as `duplicate` (intake is idempotent on agency and source_ref). A batch of a few hundred
 * records or more writes its subjects, records, ledger events and projections by COPY (store/copy-in.ts), inside
 * its transaction.
 */

import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ProblemDetail } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { readSource, type ImportFormat, type SourceLine } from './import-sources.service.ts';
import { filePlanned, planRecords, type Filer, type PlannedBatch } from './intake.service.ts';

export const DEFAULT_IMPORT_BATCH_SIZE = 5000;

/** One line that was not filed, as written to the rejects file. */
export interface ImportReject {
  readonly line: number;
  readonly source_ref: string | null;
  readonly errors: readonly ProblemDetail[];
  /** The parsed record, or the raw text when the line could not be parsed. */
  readonly input: unknown;
}

/** Where rejected lines go; `write` is awaited before the next batch is filed. */
export interface RejectSink {
  write(rejects: readonly ImportReject[]): Promise<void>;
}

export interface ImportProgress {
  /** Bytes read from the source so far. */
  readonly bytes: number;
  /** Data lines read (records and unparseable lines; not blank lines or the CSV header). */
  readonly lines: number;
  readonly created: number;
  readonly duplicate: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

export interface ImportSummary extends ImportProgress {
  /** Lines per second over the whole run. */
  readonly recordsPerSecond: number;
}

export interface ImportOptions {
  readonly source: Readable;
  readonly format: ImportFormat;
  readonly filer: Filer;
  readonly batchSize?: number;
  /** Without a sink, rejected lines are only counted. */
  readonly rejects?: RejectSink;
  /** Called after every batch; a returned promise is awaited before the next batch is filed. */
  readonly onProgress?: (progress: ImportProgress) => unknown;
}

/**
 * Imports every line of `source` for one agency; resolves when the last batch has committed.
 * Each batch is checked, at the context's clock, as soon as it is read, while the batch before it is written: reading
 * and checking overlap the database's work, and a batch is filed only once the one before it has committed and been
 * reported (progress, rejects). At most two batches are held: the one being written and the one being read.
 */
export async function importRecords(ctx: ServiceContext, options: ImportOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const started = performance.now();
  const source = readSource(options.source, options.format);
  const totals = { lines: 0, created: 0, duplicate: 0, rejected: 0 };
  // The lines and bytes of the batches filed so far: progress reports no line of a batch not yet filed.
  const filed = { lines: 0, bytes: 0 };
  const progress = (): ImportProgress => ({
    bytes: filed.bytes,
    lines: filed.lines,
    created: totals.created,
    duplicate: totals.duplicate,
    rejected: totals.rejected,
    elapsedMs: performance.now() - started,
  });
  const report = async (checked: CheckedBatch, outcome: BatchOutcome): Promise<void> => {
    totals.created += outcome.created;
    totals.duplicate += outcome.duplicate;
    totals.rejected += outcome.rejects.length;
    filed.lines += checked.lines.length;
    filed.bytes = checked.bytes;
    if (outcome.rejects.length > 0) await options.rejects?.write(outcome.rejects);
    await options.onProgress?.(progress());
  };
  let writing: Promise<void> = Promise.resolve();
  let batch: SourceLine[] = [];
  const cut = async (): Promise<void> => {
    const checked = checkBatch(ctx, options.filer, batch, source.bytesRead());
    batch = [];
    await writing; // the batch before has committed and been reported
    writing = fileChecked(ctx, options.filer, checked).then((outcome) => report(checked, outcome));
    writing.catch(() => {}); // awaited at the next cut or the end; not unhandled while the next batch is read
  };
  try {
    for await (const line of source.lines) {
      totals.lines += 1;
      batch.push(line);
      if (batch.length >= batchSize) await cut();
    }
    if (batch.length > 0) await cut();
    await writing;
  } finally {
    await writing.catch(() => {}); // a failed read waits for the batch being written before it reports
    if (!options.source.readableEnded) options.source.destroy(); // a failed import lets go of its file
  }
  const summary = { ...progress(), lines: totals.lines, bytes: source.bytesRead() };
  return { ...summary, recordsPerSecond: summary.elapsedMs > 0 ? (summary.lines * 1000) / summary.elapsedMs : 0 };
}

interface BatchOutcome {
  readonly created: number;
  readonly duplicate: number;
  readonly rejects: ImportReject[];
}

/** A batch as read and checked: its lines, the source's bytes read when it was cut, and its parsed lines' plan. */
interface CheckedBatch {
  readonly lines: readonly SourceLine[];
  readonly bytes: number;
  readonly parsed: readonly { line: number; input: unknown }[];
  readonly planned: PlannedBatch | null;
}

function checkBatch(ctx: ServiceContext, filer: Filer, lines: readonly SourceLine[], bytes: number): CheckedBatch {
  const parsed = lines.flatMap((item) => (item.ok ? [item] : []));
  const planned =
    parsed.length === 0
      ? null
      : planRecords(
          ctx,
          filer,
          parsed.map((p) => p.input),
        );
  return { lines, bytes, parsed, planned };
}

/** Files a checked batch; unparseable lines and validation failures become rejects, in line order. */
async function fileChecked(ctx: ServiceContext, filer: Filer, checked: CheckedBatch): Promise<BatchOutcome> {
  const { parsed, planned } = checked;
  const rejects: ImportReject[] = [];
  for (const item of checked.lines)
    if (!item.ok)
      rejects.push({ line: item.line, source_ref: item.source_ref, errors: [item.problem], input: item.raw });
  let created = 0;
  let duplicate = 0;
  if (planned !== null) {
    const result = await filePlanned(ctx, filer, planned);
    for (const a of result.accepted)
      if (a.status === 'created') created += 1;
      else duplicate += 1;
    for (const r of result.rejected)
      rejects.push({
        line: parsed[r.index]!.line,
        source_ref: r.source_ref,
        errors: r.errors,
        input: parsed[r.index]!.input,
      });
  }
  rejects.sort((a, b) => a.line - b.line);
  return { created, duplicate, rejects };
}

/**
 * Rejected lines as NDJSON, one `{line, source_ref, errors, input}` object per line. The file
 * describes the latest run: a stale one is removed at `start`, and a new one is created only
 * when a line is rejected, so a clean import leaves no file.
 */
export class RejectsFile implements RejectSink {
  readonly path: string;
  private handle: FileHandle | undefined;
  private count = 0;

  constructor(path: string) {
    this.path = path;
  }

  async start(): Promise<void> {
    await rm(this.path, { force: true });
  }

  async write(rejects: readonly ImportReject[]): Promise<void> {
    if (rejects.length === 0) return;
    this.handle ??= await open(this.path, 'w');
    this.count += rejects.length;
    await this.handle.write(rejects.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** The file's path once a line was rejected, else null. */
  get written(): string | null {
    return this.count > 0 ? this.path : null;
  }

  /** Closes the file; harmless when it is closed or was never opened. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
