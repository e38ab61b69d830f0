/**
 * Indexes for public disclosure and transparency. Frozen in time.
 * - Name search: a person is found by the whole name, an organisation also by a prefix (btree on
 *   lower(name)) or by any part of it. pg_trgm cannot serve the latter: it extracts no trigrams
 *   from Chinese text, and a query may be 2 characters long. A GIN index on the name's character
 *   bigrams serves any fragment of 2 or more characters in any script, with no extension.
 * - Transparency aggregates by period: BRIN indexes on the append-mostly time columns cost
 *   almost nothing to keep up on the intake and decision-log paths.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Every distinct pair of adjacent characters: a name contains a fragment only if its bigrams
    -- include the fragment's (the LIKE that follows confirms the order).
    create function credence_name_bigrams(name text) returns text[]
      language sql immutable strict parallel safe
      as $$ select array(select distinct substr(name, i, 2) from generate_series(1, char_length(name) - 1) as i) $$;

    create index subjects_lower_name on subjects (lower(name) text_pattern_ops);
    create index subjects_organization_name_bigrams on subjects using gin (credence_name_bigrams(lower(name)))
      where kind = 'organization';

    create index records_filed_at_brin on records using brin (filed_at);
    create index inquiries_at_brin on inquiries using brin (at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists inquiries_at_brin;
    drop index if exists records_filed_at_brin;
    drop index if exists subjects_organization_name_bigrams;
    drop index if exists subjects_lower_name;
    drop function if exists credence_name_bigrams(text);
  `.execute(db);
}
