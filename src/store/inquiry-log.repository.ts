/** The inquiry log's writes: a whole group-commit flush of inquiries in one statement. */

import { sql, type Transaction } from 'kysely';
import type { Executor } from './executor.ts';
import type { DB, InquiriesTable } from './schema.ts';

/** One inquiry as the log writes it (never for a review: those carry a `review_id`). */
export type InquiryRow = Omit<InquiriesTable, 'at' | 'review_id'> & { at: Date };

/** Inquiries column by column, each array one value per inquiry, in the same order. */
export type InquiryColumns = { [K in keyof InquiryRow]: InquiryRow[K][] };

/**
 * Inserts every inquiry in `c` with one statement, whatever their number (one round trip per flush), through
 * `credence_insert_inquiries` (migration 018), whose INSERT is planned once per connection, not once per flush.
 */
export async function insertInquiryColumns(db: Executor, c: InquiryColumns): Promise<void> {
  await sql`
    select credence_insert_inquiries(${c.subject_scheme}::text[], ${c.subject_value}::text[], ${c.at}::timestamptz[],
      ${c.id}::text[], ${c.kind}::text[], ${c.principal_id}::text[], ${c.action}::text[], ${c.purpose}::text[],
      ${c.outcome}::text[], ${c.policy_version}::text[])
  `.execute(db);
}

/** Lets `trx` commit without waiting for the WAL to reach disk (CREDENCE_INQUIRY_SYNCHRONOUS_COMMIT=off). */
export async function commitWithoutWalFlush(trx: Transaction<DB>): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}
