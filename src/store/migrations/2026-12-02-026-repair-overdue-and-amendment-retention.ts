/**
 * Two due-process leftovers of issue 12. A repair application past its deadline is marked once, when the scheduled
 * jobs find it (`repair.overdue`, as a dispute's `overdue_at`): `overdue_at` is a projection of that event, so a
 * replay rebuilds it, and the partial index finds the pending applications not yet marked without reading the
 * decided ones. Amendments are purged after the policy's retention once nothing is left to deliver: the index
 * reads the oldest of those first. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table repairs add column overdue_at timestamptz;
    create index repairs_pending_unmarked on repairs (applied_at, id) where status = 'pending' and overdue_at is null;
    create index amendments_settled on amendments (at, id) where delivery_status is distinct from 'pending';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index amendments_settled;
    drop index repairs_pending_unmarked;
    alter table repairs drop column overdue_at;
  `.execute(db);
}
