/**
 * Notices as data (issue 11, "Messages as data"): a notice is stored as its kind (a column since 002) and its
 * parameters (`params`: ids, dates, the agency's reason; no sentences), and rendered in the reader's language
 * when read. Rows written before keep their English `what` and `how_to_dispute` and are shown as they were
 * written (their `params` is null); new rows leave `what` and `how_to_dispute` null. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table notices add column params jsonb;
    alter table notices alter column what drop not null;
  `.execute(db);
}

/** Back to sentences only: a notice written as data keeps its kind as its text (its parameters are dropped). */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update notices set what = kind where what is null;
    alter table notices alter column what set not null;
    alter table notices drop column params;
  `.execute(db);
}
