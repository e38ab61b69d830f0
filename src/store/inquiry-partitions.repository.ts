/**
 * The month partitions of inquiries (migration 018): which exist, which months wait in the DEFAULT partition,
 * and making and dropping months.
 */

import { type Kysely, sql } from 'kysely';
import type { Executor } from './executor.ts';
import type { DB } from './schema.ts';

/** A month partition: `inquiries_YYYY_MM`, holding the inquiries from `month` (its first day, UTC) to the next. */
export interface InquiryMonth {
  readonly name: string;
  readonly month: Date;
}

const MONTH_NAME = /^inquiries_(\d{4})_(\d{2})$/;

/** Every month partition of inquiries, oldest first (not the DEFAULT partition). */
export async function getInquiryMonths(db: Executor): Promise<InquiryMonth[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'inquiries'::regclass order by c.relname
  `.execute(db);
  return rows.flatMap(({ name }) => {
    const match = MONTH_NAME.exec(name);
    return match === null ? [] : [{ name, month: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) }];
  });
}

/** The months (first day, UTC) of the inquiries in the DEFAULT partition: those no month partition took. */
export async function getDefaultInquiryMonths(db: Executor): Promise<Date[]> {
  const { rows } = await sql<{ month: Date }>`
    select distinct date_trunc('month', at, 'UTC') as month from inquiries_default order by 1
  `.execute(db);
  return rows.map((r) => r.month);
}

/** Makes the partition of `month` (first day, UTC), moving its inquiries out of DEFAULT; false if it existed. */
export async function addInquiryMonth(db: Executor, month: Date): Promise<boolean> {
  const { rows } = await sql<{ created: boolean }>`
    select credence_add_inquiry_month(${month.toISOString().slice(0, 10)}::date) as created
  `.execute(db);
  return rows[0]!.created;
}

/**
 * Drops a month partition and every inquiry in it. Dropping a partition locks the whole table: if a long query
 * holds it, this gives up after a few seconds (and the next run tries again) rather than stall the decision log.
 */
export async function dropInquiryMonth(db: Kysely<DB>, name: string): Promise<void> {
  if (!MONTH_NAME.test(name)) throw new Error(`not an inquiry month partition: ${name}`);
  await db.transaction().execute(async (trx) => {
    await sql`set local lock_timeout = '3s'`.execute(trx);
    await sql`drop table ${sql.table(name)}`.execute(trx);
  });
}

/** Deletes the inquiries in DEFAULT from `from` until `until`; returns how many. */
export async function deleteDefaultInquiries(db: Executor, from: Date, until: Date): Promise<number> {
  const result = await sql`delete from inquiries_default where at >= ${from} and at < ${until}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
