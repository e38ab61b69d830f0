import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { CredenceError, ERROR_CODES } from '../../errors.ts';
import { resolveImportAgency } from '../../services/accounts/agencies.service.ts';
import { formatOfPath, IMPORT_FORMATS, type ImportFormat } from '../../services/records/import-sources.service.ts';
import {
  DEFAULT_IMPORT_BATCH_SIZE,
  importRecords,
  RejectsFile,
  type ImportProgress,
  type ImportSummary,
} from '../../services/records/import.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';

const PLAIN_PROGRESS_INTERVAL_MS = 10_000;

function formatOf(file: string, override: string | undefined): ImportFormat {
  if (override !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(override))
      throw new CredenceError('CRD_USAGE', `--format must be one of ${IMPORT_FORMATS.join(', ')}`);
    return override as ImportFormat;
  }
  const format = file === '-' ? undefined : formatOfPath(file);
  if (format === undefined)
    throw new CredenceError(
      'CRD_USAGE',
      `cannot tell the format of "${file}" from its name: give --format ${IMPORT_FORMATS.join('|')}`,
    );
  return format;
}

/** The input's size in bytes (null for stdin); a missing or unreadable file is CRD_IMPORT_FILE. */
async function sizeOf(file: string): Promise<number | null> {
  if (file === '-') return null;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CredenceError('CRD_IMPORT_FILE', `"${file}" is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof CredenceError) throw error;
    throw new CredenceError(
      'CRD_IMPORT_FILE',
      `cannot read "${file}": ` +
        `${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

function batchSizeOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_IMPORT_BATCH_SIZE;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > 10_000)
    throw new CredenceError('CRD_USAGE', '--batch-size must be a whole number from 1 to 10000');
  return size;
}

const rate = (p: ImportProgress): number => Math.round(p.elapsedMs > 0 ? (p.lines * 1000) / p.elapsedMs : 0);

/** A progress bar by bytes on a terminal; otherwise a plain line at most every 10 s. */
function progressReporter(
  stderr: CommandContext['stderr'],
  size: number | null,
): { update(p: ImportProgress): void; stop(): void } {
  if (stderr.isTTY === true && size !== null && size > 0) {
    const bar = new SingleBar({
      stream: stderr,
      hideCursor: true,
      etaBuffer: 20,
      format: 'importing [{bar}] {percentage}% | {lines} lines | {rate} records/s | ETA {eta_formatted}',
    });
    bar.start(size, 0, { lines: 0, rate: 0 });
    return { update: (p) => bar.update(p.bytes, { lines: p.lines, rate: rate(p) }), stop: () => bar.stop() };
  }
  let last = 0;
  return {
    update(p) {
      if (p.elapsedMs - last < PLAIN_PROGRESS_INTERVAL_MS) return;
      last = p.elapsedMs;
      const share = size !== null && size > 0 ? ` (${Math.floor((100 * p.bytes) / size)}%)` : '';
      stderr.write(
        `importing: ${p.lines} lines${share}, ${p.created} created, ${p.duplicate} duplicate, ` +
          `${p.rejected} rejected, ${rate(p)} records/s\n`,
      );
    },
    stop() {},
  };
}

function summaryText(file: string, agency: string, summary: ImportSummary, rejectsPath: string | null): string {
  const lines = [
    `Imported ${file === '-' ? 'stdin' : file} as agency ${agency}:`,
    `  lines read  ${summary.lines}`,
    `  created     ${summary.created}`,
    `  duplicate   ${summary.duplicate}` +
      `${summary.duplicate > 0 ? '  (filed before, by an earlier run or line: not filed twice)' : ''}`,
    `  rejected    ${summary.rejected}${rejectsPath === null ? '' : `  -> ${rejectsPath}`}`,
    `  elapsed     ${(summary.elapsedMs / 1000).toFixed(1)} s, ${Math.round(summary.recordsPerSecond)} records/s`,
  ];
  if (summary.rejected > 0)
    lines.push(
      `${summary.rejected} line(s) were rejected: each is in the rejects file with its line number ` +
        `and coded errors (exit ${ERROR_CODES.CRD_VALIDATION.exit}).`,
    );
  return `${lines.join('\n')}\n`;
}

function parseImportArgs(args: readonly string[]) {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      agency: { type: 'string' },
      'agency-kind': { type: 'string' },
      format: { type: 'string' },
      rejects: { type: 'string' },
      'batch-size': { type: 'string' },
      json: { type: 'boolean' },
    },
    1,
  );
  const file = positionals[0];
  if (file === undefined) throw new CredenceError('CRD_USAGE', 'give the FILE to import (or - for stdin)');
  const agencyId = values.agency;
  const agencyKind = values['agency-kind'];
  if ((agencyId === undefined) === (agencyKind === undefined))
    throw new CredenceError('CRD_USAGE', 'give exactly one of --agency ID or --agency-kind KIND');
  const rejectsPath = values.rejects ?? (file === '-' ? 'stdin.rejects.ndjson' : `${file}.rejects.ndjson`);
  if (file !== '-' && path.resolve(rejectsPath) === path.resolve(file))
    throw new CredenceError('CRD_USAGE', '--rejects must not name the file being imported');
  return {
    file,
    format: formatOf(file, values.format),
    batchSize: batchSizeOf(values['batch-size']),
    rejectsPath,
    json: values.json === true,
    target: agencyId !== undefined ? { agencyId } : { agencyKind: agencyKind! },
  };
}

export const importCommand: Command = {
  path: ['import'],
  summary: 'File records in bulk from NDJSON or CSV (run it again to finish an interrupted import)',
  usage:
    'FILE|- (--agency-kind KIND | --agency ID) [--format ndjson|csv] [--rejects PATH] [--batch-size N] [--json]\n\n' +
    'NDJSON: one record object per line, as POST /v1/records takes them. CSV: a header row with\n' +
    'source_ref,type,subject_kind,subject_scheme,subject_id,subject_name,decided_at,effective_at,\n' +
    'expires_at,legal_basis,document_ref,summary and attr.NAME columns. Rejected lines go to\n' +
    'FILE.rejects.ndjson (or --rejects PATH), replacing the file of an earlier run.',
  async run(args, { config, stdout, stderr }) {
    const { file, format, batchSize, rejectsPath, target, json } = parseImportArgs(args);
    const size = await sizeOf(file);
    const rejects = new RejectsFile(rejectsPath);
    return withRegistry(config, async (registry) => {
      const filer = await resolveImportAgency(registry.rt, target);
      const progress = progressReporter(stderr, size);
      await rejects.start();
      let summary: ImportSummary;
      try {
        summary = await importRecords(registry.rt, {
          source: file === '-' ? process.stdin : createReadStream(file),
          format,
          filer,
          batchSize,
          rejects,
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.stop();
        await rejects.close();
      }
      const written = rejects.written;
      if (json) stdout.write(`${JSON.stringify({ ...summary, agency: filer.agency_id, rejects_file: written })}\n`);
      else stdout.write(summaryText(file, filer.agency_id, summary, written));
      return summary.rejected > 0 ? ERROR_CODES.CRD_VALIDATION.exit : 0;
    });
  },
};
