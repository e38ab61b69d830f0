/** SQL for what a decision about a subject rests on, as the projections hold it: grade, lists, related listings. */

import type { Executor } from './executor.ts';

/** A subject's stored state as decisions read it (dates inside `lists` and `related` stay as stored text). */
export interface StoredDecisionState {
  readonly subject_id: string;
  readonly grade: string;
  /** evaluate.ts `Membership`s. */
  readonly lists: unknown[];
  /** related.ts `RelatedListing`s. */
  readonly related: unknown[];
}

/** The stored states of the subjects that have one, by subject id. */
export async function getDecisionStates(
  db: Executor,
  subjectIds: readonly string[],
): Promise<Map<string, StoredDecisionState>> {
  if (subjectIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('subject_state')
    .select(['subject_id', 'grade', 'lists', 'related'])
    .where('subject_id', 'in', subjectIds)
    .execute();
  return new Map(rows.map((r) => [r.subject_id, r]));
}
