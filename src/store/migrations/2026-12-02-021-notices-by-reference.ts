/**
 * Notices stored small (issue 12, city scale: "a notice row ≤ 300 bytes on average"). A notice written from now on
 * names the policy it was written under by reference (`policy_ref`: the first 8 bytes of the policy's digest, as a
 * bigint; `policies_ref` finds the document) and keeps only what that policy cannot give back: its measures by their
 * place in the policy with their dates (`measures`), its legal basis only where the policy's would differ, its
 * parameters under short keys with dates as milliseconds (`params`, now `json`: smaller than `jsonb` for a few keys,
 * and never queried by key), its id as a `uuid` (16 bytes, not 37: notice ids have always been random UUIDs). The rest
 * is rendered from the policy when the notice is read (domain/notice-storage.ts).
 *
 * Rows written before keep their rendered `consequences` and `legal_basis` and their `params` as written, and are
 * read as they are (their `policy_ref` is null): no data is rewritten but the types of `params` and `id`. Frozen in
 * time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unique index policies_ref on policies ((('x' || substr(digest, 1, 16))::bit(64)::bigint));
    alter table notices
      alter column legal_basis drop not null,
      alter column consequences drop not null,
      alter column params type json using params::json,
      alter column id type uuid using id::uuid,
      add column policy_ref bigint,
      add column measures json;
  `.execute(db);
}

/**
 * Back to rendered rows needs the policies, which SQL cannot evaluate: notices written since are kept with their
 * kind and dates but lose their consequences and their parameters (as 013's down loses parameters).
 */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update notices set consequences = '[]', legal_basis = coalesce(legal_basis, ''), params = null
      where policy_ref is not null;
    update notices set what = kind where what is null and params is null;
    alter table notices
      drop column measures,
      drop column policy_ref,
      alter column params type jsonb using params::jsonb,
      alter column id type text,
      alter column consequences set not null,
      alter column legal_basis set not null;
    drop index policies_ref;
  `.execute(db);
}
