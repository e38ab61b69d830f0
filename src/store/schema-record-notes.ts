/** Kysely's view of the operators' notes on records (migrations/2026-12-02-020-record-notes.ts). */

import type { Timestamp } from './schema-columns.ts';

/** A note the registry's operator added to a record, attributed to the operator's key. */
export interface RecordNotesTable {
  subject_id: string;
  id: string;
  record_id: string;
  principal_id: string;
  text: string;
  at: Timestamp;
}
