/**
 * Amendments for a court's exemption (Fa Shi [2015] 17 art. 3 para. 2, `binds_related.exempted_by`): a record filed
 * for a person lifts the measures through which a listed organisation bound them, so a relying principal that got a
 * decision about the person is told, as of a relationship's revocation. Such an amendment names the exemption with
 * the change `filed`, and always the organisation (`related`): a filing is amended only for a person bound through
 * one. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table amendments
      drop constraint amendments_change_check,
      add constraint amendments_change_check
        check (change in ('corrected', 'revoked', 'repaired', 'relationship_revoked', 'filed')),
      drop constraint amendments_record_or_relationship,
      add constraint amendments_record_or_relationship check (
        (record_id is null) = (change = 'relationship_revoked')
        and (change not in ('relationship_revoked', 'filed') or related is not null)
      );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    delete from amendments where change = 'filed';
    alter table amendments
      drop constraint amendments_record_or_relationship,
      drop constraint amendments_change_check,
      add constraint amendments_change_check
        check (change in ('corrected', 'revoked', 'repaired', 'relationship_revoked')),
      add constraint amendments_record_or_relationship check (
        (record_id is null) = (change = 'relationship_revoked')
        and (change <> 'relationship_revoked' or related is not null)
      );
  `.execute(db);
}
