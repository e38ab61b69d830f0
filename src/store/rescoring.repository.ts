/**
 * SQL for one page of a policy activation (policy.service.ts): the subjects with ids in a range, their kinds and
 * stored states, read by range scans rather than id lists.
 */

import type { Executor } from './executor.ts';
import type { SubjectKind } from '../domain/policy.ts';

/** The subjects with ids in (after, through]. */
export async function getSubjectKindsInRange(
  db: Executor,
  after: string,
  through: string,
): Promise<{ id: string; kind: SubjectKind }[]> {
  return db
    .selectFrom('subjects')
    .select(['id', 'kind'])
    .where('id', '>', after)
    .where('id', '<=', through)
    .orderBy('id')
    .execute();
}

/** The stored states of the subjects with ids in (after, through], as stored (dates in JSON as text). */
export async function getStatesInRange(db: Executor, after: string, through: string) {
  return db
    .selectFrom('subject_state')
    .select(['subject_id', 'score', 'grade', 'lists', 'active_lists', 'next_change_at', 'indexed', 'related'])
    .where('subject_id', '>', after)
    .where('subject_id', '<=', through)
    .execute();
}
