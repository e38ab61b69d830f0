/** SQL for a subject's own ledger events as log entries (issue 9, item 5): what their report proves in the log. */

import type { Executor } from './executor.ts';
import { ENTRY_COLUMNS, entryOf } from './log.repository.ts';

/** One ledger event's sequence number and the exact bytes of its Merkle leaf. */
export interface SubjectEntryRow {
  readonly seq: string;
  readonly entry: Buffer;
}

/** Every ledger event about the subject (rows with its subject_id), in order: index ledger_subject. */
export async function getSubjectEntries(db: Executor, subjectId: string): Promise<SubjectEntryRow[]> {
  const rows = await db
    .selectFrom('ledger')
    .select(ENTRY_COLUMNS)
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ seq: row.seq, entry: entryOf(row) }));
}
