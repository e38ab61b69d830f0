/** SQL for console uploads (`imports`) and the lines they rejected (`import_rejects`). */

import type { Insertable, Selectable } from 'kysely';
import type { ImportsTable } from './schema-consoles.ts';

import type { Executor } from './executor.ts';

export type ImportRow = Selectable<ImportsTable>;
export type ImportCounts = Pick<ImportRow, 'bytes' | 'lines' | 'created' | 'duplicate' | 'rejected'>;

export interface ImportRejectRow {
  readonly seq: number;
  readonly line: number;
  readonly source_ref: string | null;
  readonly errors: unknown;
  readonly input: unknown;
}

const toImport = (row: ImportRow): ImportRow => ({ ...row, bytes: Number(row.bytes) });

export async function insertImport(db: Executor, row: Insertable<ImportsTable>): Promise<void> {
  await db.insertInto('imports').values(row).execute();
}

export async function getImportById(db: Executor, id: string): Promise<ImportRow | undefined> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toImport(row);
}

/** The agency's latest uploads, newest first. */
export async function listImportsOfAgency(db: Executor, agencyId: string, limit: number): Promise<ImportRow[]> {
  const rows = await db
    .selectFrom('imports')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toImport);
}

/** pending → running, once: true only for the one caller that claimed it. */
export async function setImportRunning(db: Executor, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('imports')
    .set({ status: 'running', started_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function updateImportCounts(db: Executor, id: string, counts: ImportCounts, at: Date): Promise<void> {
  await db
    .updateTable('imports')
    .set({ ...counts, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Fails every pending or running upload with no sign of life since `before`; returns how many. */
export async function failImportsStalledSince(
  db: Executor,
  before: Date,
  end: { at: Date; error_code: string; error_message: string },
): Promise<number> {
  const result = await db
    .updateTable('imports')
    .set({
      status: 'failed',
      finished_at: end.at,
      updated_at: end.at,
      error_code: end.error_code,
      error_message: end.error_message,
    })
    .where('status', 'in', ['pending', 'running'])
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function setImportFinished(
  db: Executor,
  id: string,
  end: { status: 'done' | 'failed'; at: Date; error_code?: string; error_message?: string },
): Promise<void> {
  await db
    .updateTable('imports')
    .set({
      status: end.status,
      finished_at: end.at,
      updated_at: end.at,
      error_code: end.error_code ?? null,
      error_message: end.error_message ?? null,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertImportRejects(
  db: Executor,
  importId: string,
  rows: readonly ImportRejectRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('import_rejects')
    .values(
      rows.map((r) => ({
        import_id: importId,
        seq: r.seq,
        line: r.line,
        source_ref: r.source_ref,
        errors: JSON.stringify(r.errors),
        input: JSON.stringify(r.input),
      })),
    )
    .execute();
}

/** Up to `limit` rejected lines after `afterSeq`, in file order (keyset paging: the file may be long). */
export async function getImportRejectsAfter(
  db: Executor,
  importId: string,
  afterSeq: number,
  limit: number,
): Promise<ImportRejectRow[]> {
  return db
    .selectFrom('import_rejects')
    .select(['seq', 'line', 'source_ref', 'errors', 'input'])
    .where('import_id', '=', importId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}
