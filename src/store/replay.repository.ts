/** SQL for a ledger replay: emptying the tables the ledger rebuilds, and moving the id sequences past them. */

import { sql, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Empties every table a replay rebuilds from the ledger (in the caller's transaction). */
export async function truncateRebuiltTables(trx: Transaction<DB>): Promise<void> {
  await sql`truncate subject_state, list_entries, records, subject_names, subject_identifiers, subjects,
    record_versions, disputes, repairs, commitments, relationships, record_notes`.execute(trx);
}

/** Moves the subject and record id sequences past the highest ids replayed. */
export async function resetIdSequences(trx: Transaction<DB>): Promise<void> {
  await sql`select setval('subject_id_seq', greatest((select max(id) from subjects), 1)),
    setval('record_id_seq', greatest((select max(id) from records), 1)),
    setval('relationship_id_seq', greatest((select max(id) from relationships), 1))`.execute(trx);
}
