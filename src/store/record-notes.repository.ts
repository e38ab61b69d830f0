/** SQL for operators' notes on records. */

import type { Executor } from './executor.ts';

export interface RecordNoteRow {
  readonly subject_id: string;
  readonly id: string;
  readonly record_id: string;
  readonly principal_id: string;
  readonly text: string;
  readonly at: Date;
}

/** A new note as a `record.noted` event carries it (its date as ISO text). */
export type NewRecordNote = Omit<RecordNoteRow, 'at'> & { readonly at: string };

export async function insertRecordNote(db: Executor, note: NewRecordNote): Promise<void> {
  await db.insertInto('record_notes').values(note).execute();
}

/** Every note on a subject's records, oldest first. */
export async function getRecordNotesOfSubject(db: Executor, subjectId: string): Promise<RecordNoteRow[]> {
  return db
    .selectFrom('record_notes')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}
