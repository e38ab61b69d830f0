/**
 * Webhook delivery of notices: when the last attempt was made (operators read recent failures
 * by it), and an index for the failed notices operators retry. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table notices add column last_attempt_at timestamptz;
    create index notices_failed on notices (last_attempt_at desc) where delivery_status = 'failed';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index notices_failed;
    alter table notices drop column last_attempt_at;
  `.execute(db);
}
