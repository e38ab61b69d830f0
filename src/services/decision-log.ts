/**
 * The durable inquiry log, written by group commit: callers append and wait; one flush at a
 * time writes everything queued so far in a single statement. Nothing is answered before its
 * inquiry is committed, and nothing queued is ever dropped: a failed flush is retried, and
 * `drain()` (at shutdown) waits for the queue to empty.
 */

import { sql, type Kysely } from 'kysely';
import type { DB, InquiriesTable } from '../store/schema.ts';

export type InquiryRow = Omit<InquiriesTable, 'at'> & { at: Date };

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const CHUNK = 20_000;
const RETRY_MS = [50, 200, 1000, 2000];

export class DecisionLog {
  private queue: InquiryRow[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private readonly db: Kysely<DB>;
  private readonly onError: (error: unknown) => void;
  written = 0;

  constructor(db: Kysely<DB>, onError: (error: unknown) => void = () => undefined) {
    this.db = db;
    this.onError = onError;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Queues rows and resolves once they are committed. */
  append(rows: readonly InquiryRow[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      for (const row of rows) this.queue.push(row);
      this.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.flushing !== null || this.queue.length > 0) {
      this.kick();
      await this.flushing;
    }
  }

  private kick(): void {
    if (this.flushing !== null || this.queue.length === 0) return;
    const rows = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    this.flushing = this.writeWithRetry(rows).then(
      () => { this.written += rows.length; for (const w of waiters) w.resolve(); },
      (error: Error) => { for (const w of waiters) w.reject(error); },
    ).finally(() => {
      this.flushing = null;
      this.kick();
    });
  }

  private async writeWithRetry(rows: readonly InquiryRow[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.db.transaction().execute(async (trx) => {
          for (let i = 0; i < rows.length; i += CHUNK) await insertInquiries(trx, rows.slice(i, i + CHUNK));
        });
        return;
      } catch (error) {
        this.onError(error);
        if (attempt >= RETRY_MS.length) throw error as Error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
      }
    }
  }
}

async function insertInquiries(db: Kysely<DB>, rows: readonly InquiryRow[]): Promise<void> {
  const col = <K extends keyof InquiryRow>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into inquiries (subject_scheme, subject_value, at, id, kind, principal_id, action, purpose, outcome, policy_version)
    select * from unnest(${col('subject_scheme')}::text[], ${col('subject_value')}::text[], ${col('at')}::timestamptz[],
      ${col('id')}::text[], ${col('kind')}::text[], ${col('principal_id')}::text[], ${col('action')}::text[],
      ${col('purpose')}::text[], ${col('outcome')}::text[], ${col('policy_version')}::text[])
  `.execute(db);
}
