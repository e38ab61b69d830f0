/** SQL that reads every subject's file in id order, a page at a time (keyset on subject id): policy simulation. */

import type { SubjectKind } from '../domain/policy.ts';
import type { StoredRecord } from './records.repository.ts';
import type { Executor } from './executor.ts';

export interface SubjectKindRow {
  readonly id: string;
  readonly kind: SubjectKind;
}

/** Up to `limit` subjects with ids greater than `afterId`, in id order, with their kinds. */
export async function getSubjectKindsAfter(db: Executor, afterId: string, limit: number): Promise<SubjectKindRow[]> {
  return db
    .selectFrom('subjects')
    .select(['id', 'kind'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Every record of the subjects with ids from `firstId` to `lastId`, by subject: one range scan of the records'
 * primary key (subject_id, id) for a whole page, rather than a list of thousands of ids.
 */
export async function getRecordsInSubjectRange(db: Executor, firstId: string, lastId: string): Promise<StoredRecord[]> {
  const rows = await db
    .selectFrom('records')
    .selectAll()
    .where('subject_id', '>=', firstId)
    .where('subject_id', '<=', lastId)
    .orderBy('subject_id')
    .orderBy('id')
    .execute();
  return rows as unknown as StoredRecord[];
}
