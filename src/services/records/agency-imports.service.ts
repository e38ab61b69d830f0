/**
 * Bulk uploads from the agency console: the uploaded file is streamed into `importRecords`
 * (the same import as `credence import`) with the clerk's agency as filer. Progress is kept in
 * `imports` after every committed batch and rejected lines in `import_rejects`, so a page can
 * show the counts while the file is read and the clerk can download the rejects afterwards.
 * An upload cut off mid-way leaves whole batches; uploading the file again files the rest and
 * answers the lines already filed as duplicates (intake is idempotent on agency + source_ref).
 */

import type { Readable } from 'node:stream';
import { CredenceError } from '../../errors.ts';
import {
  getImportById,
  getImportRejectsAfter,
  insertImport,
  insertImportRejects,
  listImportsOfAgency,
  setImportFinished,
  setImportRunning,
  failImportsStalledSince,
  updateImportCounts,
  type ImportRow,
} from '../../store/imports.repository.ts';
import { withoutNul } from '../../domain/text.ts';
import type { ServiceContext } from '../context.ts';
import { formatOfPath, type ImportFormat } from './import-sources.service.ts';
import { importRecords, type ImportReject, type RejectSink } from './import.service.ts';

/** Small batches: the counts on the page move every few hundred lines. */
export const WEB_IMPORT_BATCH_SIZE = 500;

/** Who uploads: the clerk and the agency the records are filed for. */
export interface Uploader {
  readonly agency_id: string;
  readonly agency_kind: string;
  readonly staff_id: string;
}

export type { ImportRow };

function formatOfName(fileName: string): ImportFormat {
  const format = formatOfPath(fileName);
  if (format === undefined)
    throw new CredenceError(
      'CRD_IMPORT_FILE',
      `cannot tell the format of "${fileName}": name the file .ndjson, .jsonl or .csv`,
    );
  return format;
}

/** Records an upload of `fileName` as `pending` (the console's script sends the file next) or `running`. */
export async function reserveImport(
  ctx: ServiceContext,
  uploader: Uploader,
  fileName: string,
  status: 'pending' | 'running' = 'pending',
): Promise<ImportRow> {
  const name = fileName.trim().slice(0, 255);
  if (name === '') throw new CredenceError('CRD_IMPORT_FILE', 'choose a file to upload');
  const now = ctx.clock();
  const row = {
    id: ctx.newId(),
    agency_id: uploader.agency_id,
    staff_id: uploader.staff_id,
    file_name: name,
    format: formatOfName(name),
    status,
    started_at: now,
    updated_at: now,
  };
  await insertImport(ctx.db, row);
  return (await getImportById(ctx.db, row.id))!;
}

/** The upload, if it is the agency's own; another agency's is "not found", never "forbidden". */
export async function readImport(ctx: ServiceContext, agencyId: string, id: string): Promise<ImportRow> {
  const row = await getImportById(ctx.db, id);
  if (row === undefined || row.agency_id !== agencyId) throw new CredenceError('CRD_NOT_FOUND', `no upload ${id}`);
  return row;
}

/** The agency's most recent uploads, newest first. */
export function listRecentImports(ctx: ServiceContext, agencyId: string, limit = 10): Promise<ImportRow[]> {
  return listImportsOfAgency(ctx.db, agencyId, limit);
}

/**
 * An uploaded file: its name, its stream, and why the stream ended early, if it did (a size limit, a cut
 * connection).
 */
export interface UploadedFile {
  readonly name: string;
  readonly source: Readable;
  readonly endedEarly: () => CredenceError | undefined;
}

/** Reserves and runs an upload in one go (the plain form POST); resolves when the last batch has committed. */
export async function importUpload(ctx: ServiceContext, uploader: Uploader, file: UploadedFile): Promise<ImportRow> {
  let row: ImportRow;
  try {
    row = await reserveImport(ctx, uploader, file.name, 'running');
  } catch (error) {
    file.source.resume(); // drain what is left, so the refusal can be answered
    throw error;
  }
  return runImport(ctx, uploader, row, file);
}

/**
 * Runs a `pending` upload of the uploader's agency with the file now received; CRD_IMPORT_STARTED if it already
 * ran.
 */
export async function importReserved(
  ctx: ServiceContext,
  uploader: Uploader,
  id: string,
  file: UploadedFile,
): Promise<ImportRow> {
  const row = await readImport(ctx, uploader.agency_id, id);
  if (!(await setImportRunning(ctx.db, id, ctx.clock()))) {
    file.source.resume();
    throw new CredenceError(
      'CRD_IMPORT_STARTED',
      `upload ${id} has already received its file (${row.status}); start a new upload`,
    );
  }
  return runImport(ctx, uploader, row, file);
}

/** An upload silent for this long has lost its server process or its connection. */
export const IMPORT_STALL_MS = 60 * 60_000;

/**
 * The scheduled jobs' sweep: an upload that has shown no progress for an hour (its server
 * process died, or the script reserved it and never sent the file) is failed, with what to do.
 */
export function failStalledImports(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock();
  return failImportsStalledSince(ctx.db, new Date(now.getTime() - IMPORT_STALL_MS), {
    at: now,
    error_code: 'CRD_IMPORT_INTERRUPTED',
    error_message:
      'the upload stopped making progress (the server restarted or the file never arrived); ' +
      'upload the file again: lines already filed are answered as duplicates',
  });
}

/**
 * Rejected lines go to import_rejects, numbered in file order. A line refused for a NUL is kept with U+FFFD in its
 * place: PostgreSQL stores no NUL in text or jsonb, and the upload must not fail on the line it rejected.
 */
function rejectsTable(ctx: ServiceContext, importId: string): RejectSink {
  let seq = 0;
  return {
    write: (rejects: readonly ImportReject[]) =>
      insertImportRejects(
        ctx.db,
        importId,
        rejects.map((r) => ({
          ...r,
          seq: ++seq,
          source_ref: r.source_ref === null ? null : (withoutNul(r.source_ref) as string),
          errors: withoutNul(r.errors) as ImportReject['errors'], // a JSON parser's message quotes the line
          input: withoutNul(r.input),
        })),
      ),
  };
}

/** Files the upload's lines, keeping its counts current; marks it done, or failed with a coded error. */
async function runImport(
  ctx: ServiceContext,
  uploader: Uploader,
  row: ImportRow,
  file: UploadedFile,
): Promise<ImportRow> {
  try {
    await importRecords(ctx, {
      source: file.source,
      format: row.format,
      filer: { agency_id: uploader.agency_id, agency_kind: uploader.agency_kind },
      batchSize: WEB_IMPORT_BATCH_SIZE,
      rejects: rejectsTable(ctx, row.id),
      onProgress: ({ bytes, lines, created, duplicate, rejected }) =>
        updateImportCounts(ctx.db, row.id, { bytes, lines, created, duplicate, rejected }, ctx.clock()),
    });
    // A stream cut short may still end cleanly: the upload is then incomplete, not done.
    const early = file.endedEarly();
    if (early !== undefined) throw early;
  } catch (error) {
    const coded = asUploadError(error);
    await setImportFinished(ctx.db, row.id, {
      status: 'failed',
      at: ctx.clock(),
      error_code: coded.code,
      error_message: coded.message,
    });
    throw coded;
  }
  await setImportFinished(ctx.db, row.id, { status: 'done', at: ctx.clock() });
  return (await getImportById(ctx.db, row.id))!;
}

/** A coded error as it is; anything else (a broken stream) as CRD_IMPORT_FILE saying what to do. */
function asUploadError(error: unknown): CredenceError {
  return error instanceof CredenceError
    ? error
    : new CredenceError(
        'CRD_IMPORT_FILE',
        `the upload stopped before the end of the file (${(error as Error).message}); ` +
          'the batches before it are filed: upload the file again to file the rest',
      );
}

/**
 * The upload's rejected lines as NDJSON (`{line, source_ref, errors, input}` per line, as
 * `credence import` writes them), read in pages; CRD_NOT_FOUND before anything is sent when
 * the upload is not the agency's own.
 */
export async function readRejects(
  ctx: ServiceContext,
  agencyId: string,
  id: string,
): Promise<{ upload: ImportRow; lines: AsyncGenerator<string> }> {
  const upload = await readImport(ctx, agencyId, id);
  return { upload, lines: rejectPages(ctx, id) };
}

async function* rejectPages(ctx: ServiceContext, id: string): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const rows = await getImportRejectsAfter(ctx.db, id, after, 1000);
    if (rows.length === 0) return;
    yield rows
      .map((r) => `${JSON.stringify({ line: r.line, source_ref: r.source_ref, errors: r.errors, input: r.input })}\n`)
      .join('');
    after = rows[rows.length - 1]!.seq;
  }
}
