/**
 * Reading import files as a stream of numbered lines: NDJSON (one record object per line)
 * or CSV (a header row, then one record per row). Lines that cannot be parsed come back as
 * CRD_IMPORT_FILE problems with their line number, never dropped. Iterating pulls from the
 * source, so a consumer that awaits between items holds only a bounded buffer in memory.
 */

import readline from 'node:readline';
import { pipeline, Transform, type Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { RecordInput } from '../../domain/record-input.ts';
import { CredenceError, type ProblemDetail } from '../../errors.ts';

export type ImportFormat = 'ndjson' | 'csv';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['ndjson', 'csv'];

/** One data line of the source: either a parsed record input or the problem with it. */
export type SourceLine =
  | { readonly line: number; readonly ok: true; readonly input: unknown }
  | {
      readonly line: number;
      readonly ok: false;
      readonly problem: ProblemDetail;
      readonly source_ref: string | null;
      readonly raw: unknown;
    };

/** A source stream with a count of the bytes read from it so far. */
export interface CountedSource {
  readonly lines: AsyncIterable<SourceLine>;
  bytesRead(): number;
}

/** The format named by a file's extension, or undefined. */
export function formatOfPath(file: string): ImportFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

/** Reads `source` in `format`. */
export function readSource(source: Readable, format: ImportFormat): CountedSource {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // Errors reach the consumer through `counter`, which pipeline destroys with them.
  pipeline(source, counter, () => {});
  return { lines: format === 'csv' ? readCsv(counter) : readNdjson(counter), bytesRead: () => bytes };
}

const fileProblem = (line: number, message: string): ProblemDetail => ({
  code: 'CRD_IMPORT_FILE',
  path: `line ${line}`,
  message,
});

async function* readNdjson(input: Readable): AsyncIterable<SourceLine> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const rawLine of lines) {
    line += 1;
    const text = line === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (text.trim() === '') continue;
    try {
      yield { line, ok: true, input: JSON.parse(text) };
    } catch (error) {
      yield {
        line,
        ok: false,
        problem: fileProblem(line, `not valid JSON: ${(error as Error).message}`),
        source_ref: null,
        raw: text,
      };
    }
  }
}

/** The CSV columns, besides `attr.NAME` attribute columns. */
export const CSV_COLUMNS = [
  'source_ref',
  'type',
  'subject_kind',
  'subject_scheme',
  'subject_id',
  'subject_name',
  'decided_at',
  'effective_at',
  'expires_at',
  'legal_basis',
  'document_ref',
  'summary',
] as const;
const REQUIRED_CSV_COLUMNS = [
  'source_ref',
  'type',
  'subject_kind',
  'subject_scheme',
  'subject_id',
  'subject_name',
  'decided_at',
  'legal_basis',
  'document_ref',
];
const ATTRIBUTE_PREFIX = 'attr.';

/** Checks the header row; a bad header is a file error, thrown before anything is filed. */
export function checkCsvHeader(header: readonly string[]): void {
  const problems: ProblemDetail[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) problems.push(fileProblem(1, `column "${name}" appears twice`));
    seen.add(name);
    const known =
      (CSV_COLUMNS as readonly string[]).includes(name) ||
      (name.startsWith(ATTRIBUTE_PREFIX) && name.length > ATTRIBUTE_PREFIX.length);
    if (!known)
      problems.push(
        fileProblem(1, `unknown column "${name}" (expected ${CSV_COLUMNS.join(', ')} and attr.NAME columns)`),
      );
  }
  for (const name of REQUIRED_CSV_COLUMNS)
    if (!seen.has(name)) problems.push(fileProblem(1, `missing column "${name}"`));
  if (problems.length > 0)
    throw new CredenceError(
      'CRD_IMPORT_FILE',
      `bad CSV header: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
}

/** A CSV row as the record shape the API takes; empty cells are absent values. */
export function csvRowToRecord(header: readonly string[], row: readonly string[]): RecordInput {
  const cell: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  header.forEach((name, i) => {
    const value = row[i];
    if (value === undefined || value === '') return;
    if (name.startsWith(ATTRIBUTE_PREFIX)) attributes[name.slice(ATTRIBUTE_PREFIX.length)] = value;
    else cell[name] = value;
  });
  const { subject_kind: kind, subject_scheme: scheme, subject_id: id, subject_name: name, ...rest } = cell;
  return {
    ...rest,
    subject: { kind, scheme, id, name },
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

interface CsvRow {
  readonly info: { readonly lines: number };
  readonly raw: string;
  readonly record: string[];
}

/** The line a record starts on: csv-parse counts lines up to its end, and quoted cells may span lines. */
function startLine(row: CsvRow): number {
  const newlines =
    row.raw
      .replace(/^[\r\n]+/, '')
      .replace(/\r?\n$/, '')
      .split('\n').length - 1;
  return row.info.lines - newlines;
}

async function* readCsv(input: Readable): AsyncIterable<SourceLine> {
  const skipped: SourceLine[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
      skip_records_with_error: true,
      // Broken quoting cannot be resynchronised exactly: the raw text shows what was skipped.
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        const line = typeof error?.lines === 'number' ? error.lines : 0;
        skipped.push({
          line,
          ok: false,
          problem: fileProblem(line, `CSV syntax: ${error?.message ?? 'unreadable row'}`),
          source_ref: null,
          raw: raw ?? null,
        });
      },
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  for await (const row of parser as AsyncIterable<CsvRow>) {
    yield* skipped.splice(0);
    if (header === undefined) {
      header = row.record.map((name) => name.trim());
      checkCsvHeader(header);
      continue;
    }
    const line = startLine(row);
    if (row.record.length !== header.length) {
      const sourceRef = row.record[header.indexOf('source_ref')] || null;
      const message = `has ${row.record.length} fields; the header has ${header.length}`;
      yield {
        line,
        ok: false,
        problem: fileProblem(line, message),
        source_ref: sourceRef,
        raw: row.raw.replace(/\r?\n$/, ''),
      };
      continue;
    }
    yield { line, ok: true, input: csvRowToRecord(header, row.record) };
  }
  yield* skipped.splice(0);
}
