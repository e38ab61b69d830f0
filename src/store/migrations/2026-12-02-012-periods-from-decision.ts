/**
 * Periods run from the decision date (NDRC Order No. 36 (2025); issue 10): a record's duration, maximum duration,
 * disclosure period and repair minimum period, and a listing's maximum, now run from `decided_at` instead of
 * `effective_at`. That moves the computed end of every open record that took effect after its decision, and of the
 * listings resting on it. Records and the ledger keep their history; this marks those records' subjects due
 * (`next_change_at` no later than the record's decision), so the next scheduled jobs re-evaluate them under the new
 * rule as `subject.reevaluated` events (list ends and notices follow) and expire, as `record.expired` events with
 * notices, the records whose period has now ended. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update subject_state s
    set next_change_at = least(coalesce(s.next_change_at, moved.decided_at), moved.decided_at)
    from (
      select subject_id, min(decided_at) as decided_at from records
      where effective_at > decided_at and status in ('active', 'disputed', 'suspended')
      group by subject_id
    ) moved
    where moved.subject_id = s.subject_id
  `.execute(db);
}

/** Nothing to undo: a subject marked due is only re-evaluated, under whichever rule the code then applies. */
export async function down(_db: Kysely<any>): Promise<void> {}
