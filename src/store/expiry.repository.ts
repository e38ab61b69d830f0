/** SQL for scheduled expiry: subjects whose next change has come, and record status changes. */

import type { RecordStatus } from '../domain/record.ts';

import type { Executor } from './executor.ts';

/** Subjects whose evaluation changes at or before `now`, in id order after `afterSubjectId`. */
export async function getDueSubjectIdsAfter(
  db: Executor,
  now: Date,
  afterSubjectId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('subject_state')
    .select('subject_id')
    .where('next_change_at', '<=', now)
    .where('subject_id', '>', afterSubjectId)
    .orderBy('subject_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.subject_id);
}

export async function updateRecordStatuses(
  db: Executor,
  recordIds: readonly string[],
  status: RecordStatus,
): Promise<void> {
  if (recordIds.length === 0) return;
  await db.updateTable('records').set({ status }).where('id', 'in', recordIds).execute();
}
