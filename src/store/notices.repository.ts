/** SQL for notices: the subject's messages and the webhook outbox. */

import { sql } from 'kysely';
import type { NoticeDraft, NoticeParams } from '../domain/notice.ts';
import { storeNotice, type ConsequenceView, type MeasureGroup, type NoticeStorage } from '../domain/notice-storage.ts';
import { breathe, copyInto, copyTime, isPipelined, type CopyField, type CopyTarget } from './copy-in.ts';
import type { Executor } from './executor.ts';

/**
 * A notice as the views show it. Rows written before migration 013 carry their English text (`what`,
 * `how_to_dispute`) and no `params`; newer rows carry `params` and no text. Its consequences and legal basis are
 * rendered from the policy it was written under (services/due-process/stored-notices.ts).
 */
export interface StoredNotice extends Omit<NoticeDraft, 'params' | 'policy' | 'consequences'> {
  readonly params: NoticeParams | null;
  readonly consequences: readonly ConsequenceView[];
  readonly what: string | null;
  readonly how_to_dispute: string | null;
  readonly id: string;
  readonly at: Date;
  readonly delivery_status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly next_attempt_at: Date;
  readonly last_error: string | null;
  readonly delivered_at: Date | null;
}

/**
 * A notice row as stored (migration 021): rows written since name their policy (`policy_ref`) and keep their
 * consequences as `measures`, their legal basis only where it is not the policy's, and their parameters in short
 * form (domain/notice-storage.ts); rows written before have no `policy_ref` and are as they were written.
 */
export interface NoticeRow extends Omit<StoredNotice, 'legal_basis' | 'consequences' | 'params'> {
  readonly legal_basis: string | null;
  readonly consequences: readonly ConsequenceView[] | null;
  readonly params: Readonly<Record<string, unknown>> | null;
  readonly policy_ref: string | null;
  readonly measures: readonly MeasureGroup[] | null;
}

/** A notice to write: its id, when it was written, and its draft. */
export interface NewNotice {
  readonly id: string;
  readonly at: Date;
  readonly draft: NoticeDraft;
}

/** A new notice as stored: its draft's storage form with the columns every new notice has. */
interface NewNoticeRow extends NoticeStorage {
  readonly id: string;
  readonly at: Date;
  readonly draft: NoticeDraft;
}

const json = (value: unknown): CopyField => (value === null ? null : JSON.stringify(value));

/** New notices as COPY writes them: pending, never attempted, due at once. */
const NOTICES_COPY: CopyTarget<NewNoticeRow> = {
  table: 'notices',
  columns: [
    'subject_id',
    'id',
    'at',
    'kind',
    'agency_id',
    'record_id',
    'list_id',
    'legal_basis',
    'params',
    'consequences',
    'dispute_by',
    'delivery_status',
    'attempts',
    'next_attempt_at',
    'policy_ref',
    'measures',
  ],
  fields: (r) => [
    r.draft.subject_id,
    r.id,
    copyTime(r.at),
    r.draft.kind,
    r.draft.agency_id,
    r.draft.record_id,
    r.draft.list_id,
    r.legal_basis,
    json(r.params),
    json(r.consequences),
    copyTime(r.draft.dispute_by),
    'pending',
    '0',
    copyTime(r.at),
    r.policy_ref,
    json(r.measures),
  ],
};

/**
 * Notices per statement where COPY does not apply: PostgreSQL reads the one JSON document at a cost per row that
 * grows with the document's length (8,516 notices of an import batch took 3.9 s in one statement, 1.4 s in slices
 * of 500).
 */
const NOTICES_PER_STATEMENT = 500;
/** Notices stored between two breaths (copy-in.ts `breathe`) when the writes are pipelined. */
const NOTICES_PER_BREATH = 1000;

/**
 * Writes drafted notices, each stored by reference to the policy it was drafted under: by COPY when there are many
 * and the caller is in a transaction (a bulk import's batch), otherwise as JSON documents of a few hundred.
 */
export async function insertNotices(db: Executor, notices: readonly NewNotice[]): Promise<void> {
  if (notices.length === 0) return;
  const pipelined = isPipelined(db);
  const rows: NewNoticeRow[] = [];
  for (const n of notices) {
    rows.push({ ...storeNotice(n.draft), id: n.id, at: n.at, draft: n.draft });
    if (pipelined && rows.length % NOTICES_PER_BREATH === 0) await breathe();
  }
  if (await copyInto(db, NOTICES_COPY, rows)) return;
  for (let i = 0; i < rows.length; i += NOTICES_PER_STATEMENT)
    await insertNoticeDocument(db, rows.slice(i, i + NOTICES_PER_STATEMENT));
}

async function insertNoticeDocument(db: Executor, rows: readonly NewNoticeRow[]): Promise<void> {
  const document = JSON.stringify(
    rows.map(({ id, at, draft, ...stored }) => ({
      ...stored,
      subject_id: draft.subject_id,
      id,
      at,
      kind: draft.kind,
      agency_id: draft.agency_id,
      record_id: draft.record_id,
      list_id: draft.list_id,
      dispute_by: draft.dispute_by,
      next_attempt_at: at,
      delivery_status: 'pending',
      attempts: 0,
    })),
  );
  await sql`insert into notices (subject_id, id, at, kind, agency_id, record_id, list_id, legal_basis, params,
      consequences, dispute_by, delivery_status, attempts, next_attempt_at, policy_ref, measures)
    select subject_id, id, at, kind, agency_id, record_id, list_id, legal_basis, params,
      consequences, dispute_by, delivery_status, attempts, next_attempt_at, policy_ref, measures
    from json_populate_recordset(null::notices, ${document}::json)`.execute(db);
}

export async function getNoticesOfSubject(db: Executor, subjectId: string, limit = 500): Promise<NoticeRow[]> {
  return (await db
    .selectFrom('notices')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()) as unknown as NoticeRow[];
}

/** The digests of the policies notices name by `policy_ref` (migration 021's `policies_ref` index). */
export async function getNoticePolicyDigests(
  db: Executor,
  refs: readonly string[],
): Promise<{ ref: string; digest: string }[]> {
  if (refs.length === 0) return [];
  const result = await sql<{ ref: string; digest: string }>`
    select ('x' || substr(digest, 1, 16))::bit(64)::bigint::text as ref, digest from policies
    where ('x' || substr(digest, 1, 16))::bit(64)::bigint = any(${refs}::bigint[])`.execute(db);
  return result.rows;
}
