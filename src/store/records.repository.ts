/** SQL for credit records. */

import { sql } from 'kysely';
import type { CreditRecord, RecordStatus } from '../domain/record.ts';

import { copyInto, copyTime, type CopyTarget } from './copy-in.ts';
import type { Executor } from './executor.ts';

export interface StoredRecord extends CreditRecord {
  readonly body_digest: string;
}

function toRecord(row: Record<string, unknown>): StoredRecord {
  return { ...(row as unknown as StoredRecord), status: row.status as RecordStatus };
}

/** Existing records for (agency, source_ref) pairs: the idempotency lookup. */
export async function getRecordsBySourceRefs(
  db: Executor,
  agencyId: string,
  sourceRefs: readonly string[],
): Promise<{ id: string; source_ref: string; body_digest: string }[]> {
  if (sourceRefs.length === 0) return [];
  return db
    .selectFrom('records')
    .select(['id', 'source_ref', 'body_digest'])
    .where('agency_id', '=', agencyId)
    .where('source_ref', 'in', sourceRefs)
    .execute();
}

/** The agency's newest record with this document reference (a court's case number, 案号), if any. */
export async function getNewestRecordIdByDocumentRef(
  db: Executor,
  agencyId: string,
  documentRef: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('records')
    .select('id')
    .where('agency_id', '=', agencyId)
    .where('document_ref', '=', documentRef)
    .orderBy('filed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

export async function getRecordsOfSubjects(db: Executor, subjectIds: readonly string[]): Promise<StoredRecord[]> {
  if (subjectIds.length === 0) return [];
  const rows = await db
    .selectFrom('records')
    .selectAll()
    .where('subject_id', 'in', subjectIds)
    .orderBy('subject_id')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

export async function getRecordById(db: Executor, id: string): Promise<StoredRecord | undefined> {
  const row = await db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** The records table's columns, in its order. */
export const RECORD_COLUMNS = [
  'subject_id',
  'id',
  'agency_id',
  'source_ref',
  'type',
  'decided_at',
  'effective_at',
  'expires_at',
  'filed_at',
  'legal_basis',
  'document_ref',
  'summary',
  'attributes',
  'status',
  'body_digest',
] as const;

/** Records as COPY writes them. */
const RECORDS_COPY: CopyTarget<StoredRecord> = {
  table: 'records',
  columns: RECORD_COLUMNS,
  fields: (r) => [
    r.subject_id,
    r.id,
    r.agency_id,
    r.source_ref,
    r.type,
    copyTime(r.decided_at),
    copyTime(r.effective_at),
    copyTime(r.expires_at),
    copyTime(r.filed_at),
    r.legal_basis,
    r.document_ref,
    r.summary,
    JSON.stringify(r.attributes),
    r.status,
    r.body_digest,
  ],
};

/** Inserts records: by COPY when there are many and the caller is in a transaction. */
export async function insertRecords(db: Executor, rows: readonly StoredRecord[]): Promise<void> {
  if (rows.length === 0) return;
  if (await copyInto(db, RECORDS_COPY, rows)) return;
  const col = <K extends keyof StoredRecord>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into records (subject_id, id, agency_id, source_ref, type, decided_at, effective_at, expires_at, filed_at,
      legal_basis, document_ref, summary, attributes, status, body_digest)
    select * from unnest(${col('subject_id')}::bigint[], ${col('id')}::bigint[], ${col('agency_id')}::text[],
      ${col('source_ref')}::text[], ${col('type')}::text[], ${col('decided_at')}::timestamptz[],
      ${col('effective_at')}::timestamptz[], ${col('expires_at')}::timestamptz[], ${col('filed_at')}::timestamptz[],
      ${col('legal_basis')}::text[], ${col('document_ref')}::text[], ${col('summary')}::text[],
      ${rows.map((r) => JSON.stringify(r.attributes))}::jsonb[], ${col('status')}::text[],
      ${col('body_digest')}::text[])
  `.execute(db);
}
