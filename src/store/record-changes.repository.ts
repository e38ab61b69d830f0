/** SQL for changing filed records: superseded versions (history), new content and status. */

import { sql, type Transaction } from 'kysely';
import type { RecordStatus } from '../domain/record.ts';
import type { DB } from './schema.ts';

import type { Executor } from './executor.ts';

/** The whole corrected record, as carried by a `record.corrected` event (dates as ISO text). */
export interface RecordContent {
  readonly id: string;
  readonly subject_id: string;
  readonly agency_id: string;
  readonly source_ref: string;
  readonly type: string;
  readonly filed_at: string;
  readonly body_digest: string;
  readonly decided_at: string;
  readonly effective_at: string;
  readonly expires_at: string | null;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly summary: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly status: RecordStatus;
}

export interface RecordVersionRow {
  readonly version: number;
  readonly content: Record<string, unknown>;
  readonly superseded_at: Date;
  readonly superseded_by: string;
  readonly reason: string;
}

/** Locks the record's row for the rest of the transaction. */
export async function lockRecord(trx: Transaction<DB>, id: string): Promise<void> {
  await sql`select 1 from records where id = ${id}::bigint for update`.execute(trx);
}

/** Keeps the record's current row, whole, as superseded version `version`. */
export async function insertRecordVersion(
  trx: Transaction<DB>,
  recordId: string,
  version: number,
  at: Date,
  by: string,
  reason: string,
): Promise<void> {
  await sql`
    insert into record_versions (subject_id, record_id, version, content, superseded_at, superseded_by, reason)
    select subject_id, id, ${version}::int, to_jsonb(r), ${at}::timestamptz, ${by}, ${reason}
    from records r where id = ${recordId}::bigint
  `.execute(trx);
}

/**
 * Writes a corrected record's content and status; what identifies it (subject, agency, source_ref, type) never
 * changes.
 */
export async function updateRecordContent(trx: Transaction<DB>, record: RecordContent): Promise<void> {
  await trx
    .updateTable('records')
    .set({
      decided_at: record.decided_at,
      effective_at: record.effective_at,
      expires_at: record.expires_at,
      legal_basis: record.legal_basis,
      document_ref: record.document_ref,
      summary: record.summary,
      attributes: JSON.stringify(record.attributes),
      status: record.status,
    })
    .where('id', '=', record.id)
    .execute();
}

export async function setRecordStatus(trx: Transaction<DB>, id: string, status: RecordStatus): Promise<void> {
  await trx.updateTable('records').set({ status }).where('id', '=', id).execute();
}

/** The current version number of each record: 1 plus its superseded versions. */
export async function getRecordVersionNumbers(
  db: Executor,
  recordIds: readonly string[],
): Promise<Map<string, number>> {
  const versions = new Map(recordIds.map((id) => [id, 1]));
  if (recordIds.length === 0) return versions;
  const rows = await db
    .selectFrom('record_versions')
    .select(['record_id', (eb) => eb.fn.max('version').as('latest')])
    .where('record_id', 'in', recordIds)
    .groupBy('record_id')
    .execute();
  for (const row of rows) versions.set(row.record_id, Number(row.latest) + 1);
  return versions;
}

/** A record's superseded versions, oldest first. */
export async function getRecordVersions(db: Executor, recordId: string): Promise<RecordVersionRow[]> {
  return db
    .selectFrom('record_versions')
    .select(['version', 'content', 'superseded_at', 'superseded_by', 'reason'])
    .where('record_id', '=', recordId)
    .orderBy('version')
    .execute();
}
