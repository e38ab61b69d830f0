/** SQL for notices: the subject's messages and the webhook outbox. */

import { sql } from 'kysely';
import type { NoticeDraft, NoticeParams } from '../domain/notice.ts';

import type { Executor } from './executor.ts';

/**
 * A notice as stored. Rows written before migration 013 carry their English text (`what`, `how_to_dispute`) and
 * no `params`; newer rows carry `params` and no text.
 */
export interface StoredNotice extends Omit<NoticeDraft, 'params'> {
  readonly params: NoticeParams | null;
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

export async function insertNotices(
  db: Executor,
  rows: readonly { id: string; at: Date; draft: NoticeDraft }[],
): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map(({ id, at, draft }) => ({
      ...draft,
      id,
      at,
      next_attempt_at: at,
      delivery_status: 'pending',
      attempts: 0,
    })),
  );
  await sql`insert into notices (subject_id, id, at, kind, agency_id, record_id, list_id, legal_basis, params,
      consequences, dispute_by, delivery_status, attempts, next_attempt_at)
    select subject_id, id, at, kind, agency_id, record_id, list_id, legal_basis, params,
      consequences, dispute_by, delivery_status, attempts, next_attempt_at
    from json_populate_recordset(null::notices, ${json}::json)`.execute(db);
}

export async function getNoticesOfSubject(db: Executor, subjectId: string, limit = 500): Promise<StoredNotice[]> {
  return (await db
    .selectFrom('notices')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()) as unknown as StoredNotice[];
}
