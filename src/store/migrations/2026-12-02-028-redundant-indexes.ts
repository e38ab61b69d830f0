/**
 * Two indexes another one covers (issue 12: every notice and list entry an import writes updated them too):
 * `notices_due` (next_attempt_at, pending) is the first column of `notices_pending_keyset` under the same
 * predicate, and `list_entries_keyset` has the key and predicate of `list_entries_grounds_keyset` (migration 023),
 * which also carries what a public list's page reads.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop index notices_due;
    drop index list_entries_keyset;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create index notices_due on notices (next_attempt_at) where delivery_status = 'pending';
    create index list_entries_keyset on list_entries (list_id, since, subject_id) where status = 'active';
  `.execute(db);
}
