/** SQL for credit commitments. */

import type { Executor } from './executor.ts';

export interface CommitmentRow {
  readonly subject_id: string;
  readonly id: string;
  readonly text: string;
  readonly scope_record_id: string | null;
  readonly made_by: string;
  readonly document_ref: string | null;
  readonly made_at: Date;
}

/** A new commitment as a `commitment.made` event carries it (its date as ISO text). */
export type NewCommitment = Omit<CommitmentRow, 'made_at'> & { readonly made_at: string };

export async function insertCommitment(db: Executor, commitment: NewCommitment): Promise<void> {
  await db.insertInto('commitments').values(commitment).execute();
}

/** Every commitment of these subjects, oldest first. */
export async function getCommitmentsOfSubjects(db: Executor, subjectIds: readonly string[]): Promise<CommitmentRow[]> {
  if (subjectIds.length === 0) return [];
  return db
    .selectFrom('commitments')
    .selectAll()
    .where('subject_id', 'in', subjectIds)
    .orderBy('made_at')
    .orderBy('id')
    .execute();
}

/** These commitments, where they exist. */
export async function getCommitmentsByIds(db: Executor, ids: readonly string[]): Promise<CommitmentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('commitments').selectAll().where('id', 'in', ids).execute();
}
