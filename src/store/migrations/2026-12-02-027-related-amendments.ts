/**
 * Amendments for related persons (issue 12; FCRA § 611(d) with Fa Shi [2015] 17 art. 3 para. 2). A measure binds a
 * listed organisation's related persons; a relying principal that got a decision about such a person is told when
 * the organisation's record is corrected, revoked or repaired, or when the relationship is revoked, where that
 * changes the decision's outcome. `related` says how the person was tied to the organisation: the organisation and
 * the relationships (id and role) through which its listing bound them; null on an amendment about a record's own
 * subject. A relationship's revocation (`relationship_revoked`, with the authority's reason) names no record.
 * Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table amendments add column related jsonb,
      alter column record_id drop not null,
      alter column record_type drop not null,
      drop constraint amendments_change_check,
      add constraint amendments_change_check
        check (change in ('corrected', 'revoked', 'repaired', 'relationship_revoked')),
      -- A record's change names the record; a relationship's revocation names the relationship instead.
      add constraint amendments_record_or_relationship check (
        (record_id is null) = (change = 'relationship_revoked')
        and (change <> 'relationship_revoked' or related is not null)
      );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    delete from amendments where change = 'relationship_revoked';
    alter table amendments drop constraint amendments_record_or_relationship,
      drop constraint amendments_change_check,
      add constraint amendments_change_check check (change in ('corrected', 'revoked', 'repaired')),
      alter column record_type set not null,
      alter column record_id set not null,
      drop column related;
  `.execute(db);
}
