/**
 * One index on subjects' lowered names, not two (every new subject updated both; a bulk import writes hundreds of
 * thousands). `subjects_lower_name` (migration 004, text_pattern_ops) served only the whole-name match, which now
 * compares in byte order and uses `subjects_lower_name_keyset` (migration 019) like the prefix match and the
 * search's order: under deterministic collations, equal means the same bytes, so it finds the same subjects.
 * Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index subjects_lower_name`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index subjects_lower_name on subjects (lower(name) text_pattern_ops)`.execute(db);
}
