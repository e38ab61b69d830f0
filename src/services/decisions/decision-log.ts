/**
 * The durable inquiry log, written by group commit: callers append and wait; one flush at a
 * time writes everything queued so far in a single statement. Nothing is answered before its
 * inquiry is committed, and nothing queued is ever dropped: a failed flush is retried, and
 * `drain()` (at shutdown) waits for the queue to empty.
 *
 * Decision batches are queued as one entry and turned into columns only when flushed, so the
 * decision loop allocates nothing for the log. A decision whose outcome is `review` opens a
 * review task in the same flush and transaction as its inquiry (see reviews.service.ts).
 */

import type { Kysely } from 'kysely';
import {
  commitWithoutWalFlush,
  insertInquiryColumns,
  type InquiryColumns,
  type InquiryRow,
} from '../../store/inquiry-log.repository.ts';
import { insertReviewTasks, type NewReviewTask } from '../../store/reviews.repository.ts';
import type { DB } from '../../store/schema.ts';

/** Decisions for one principal, action and purpose at one instant. */
export interface DecisionBatch {
  readonly at: Date;
  readonly principal_id: string;
  readonly action: string;
  readonly purpose: string;
  readonly decisions: readonly LoggedDecision[];
}

export interface LoggedDecision {
  readonly decision_id: string;
  readonly subject: { readonly scheme: string; readonly id: string };
  readonly outcome: string;
  /** The policy version the decision was made under: during a policy activation a batch may mix two. */
  readonly policy_version: string;
  /** Read only for `review` outcomes, at flush: the measures that asked, and their reasons. */
  readonly measures: readonly { readonly effect: string }[];
  readonly reasons: readonly string[];
}

type Entry = { readonly row: InquiryRow } | { readonly batch: DecisionBatch };

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const RETRY_MS = [50, 200, 1000, 2000];
/** Enough to keep commits overlapping without taking most of the connection pool. */
const MAX_FLUSHES_IN_FLIGHT = 4;
/**
 * While a flush is under way, the next one waits for it unless this many inquiries are queued: each flush then
 * carries everything that arrived during the last, and the database's cost per flush (a statement, a commit) is
 * shared by many inquiries rather than a few. Under heavy load flushes still overlap, up to MAX_FLUSHES_IN_FLIGHT.
 */
export const OVERLAP_AT_QUEUED = 256;

export class DecisionLog {
  private queue: Entry[] = [];
  private queued = 0;
  private waiters: Waiter[] = [];
  /** Flushes under way; several may run at once (their commits share WAL flushes). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly db: Kysely<DB>;
  private readonly onError: (error: unknown) => void;
  private readonly synchronousCommit: boolean;
  written = 0;

  constructor(db: Kysely<DB>, options: { onError?: (error: unknown) => void; synchronousCommit?: boolean } = {}) {
    this.db = db;
    this.onError = options.onError ?? (() => undefined);
    this.synchronousCommit = options.synchronousCommit ?? true;
  }

  /** Inquiries queued and not yet committed. */
  get pending(): number {
    return this.queued;
  }

  /** Queues inquiry rows and resolves once they are committed. */
  append(rows: readonly InquiryRow[]): Promise<void> {
    return this.enqueue(
      rows.map((row) => ({ row })),
      rows.length,
    );
  }

  /** Queues a batch of decisions as inquiries and resolves once they are committed. */
  appendDecisions(batch: DecisionBatch): Promise<void> {
    return this.enqueue([{ batch }], batch.decisions.length);
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.queue.length > 0) {
      this.kick();
      await Promise.all(this.inFlight);
    }
  }

  private enqueue(entries: readonly Entry[], count: number): Promise<void> {
    if (count === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const entry of entries) this.queue.push(entry);
      this.queued += count;
      this.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.queue.length === 0 || this.inFlight.size >= MAX_FLUSHES_IN_FLIGHT) return;
    if (this.inFlight.size > 0 && this.queued < OVERLAP_AT_QUEUED) return;
    const entries = this.queue;
    const waiters = this.waiters;
    const count = this.queued;
    this.queue = [];
    this.waiters = [];
    this.queued = 0;
    const flush: Promise<void> = this.writeWithRetry(toColumns(entries, count), reviewTasksOf(entries))
      .then(
        () => {
          this.written += count;
          for (const w of waiters) w.resolve();
        },
        (error: Error) => {
          for (const w of waiters) w.reject(error);
        },
      )
      .finally(() => {
        this.inFlight.delete(flush);
        this.kick();
      });
    this.inFlight.add(flush);
  }

  private async writeWithRetry(columns: InquiryColumns, reviews: readonly NewReviewTask[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await insertInquiries(this.db, columns, reviews, this.synchronousCommit);
        return;
      } catch (error) {
        this.onError(error);
        if (attempt >= RETRY_MS.length) throw error as Error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
      }
    }
  }
}

function toColumns(entries: readonly Entry[], count: number): InquiryColumns {
  const c: InquiryColumns = {
    subject_scheme: new Array(count),
    subject_value: new Array(count),
    at: new Array(count),
    id: new Array(count),
    kind: new Array(count),
    principal_id: new Array(count),
    action: new Array(count),
    purpose: new Array(count),
    outcome: new Array(count),
    policy_version: new Array(count),
  };
  let i = 0;
  const put = (row: InquiryRow) => {
    c.subject_scheme[i] = row.subject_scheme;
    c.subject_value[i] = row.subject_value;
    c.at[i] = row.at;
    c.id[i] = row.id;
    c.kind[i] = row.kind;
    c.principal_id[i] = row.principal_id;
    c.action[i] = row.action;
    c.purpose[i] = row.purpose;
    c.outcome[i] = row.outcome;
    c.policy_version[i] = row.policy_version;
    i += 1;
  };
  for (const entry of entries) {
    if ('row' in entry) {
      put(entry.row);
      continue;
    }
    const b = entry.batch;
    for (const d of b.decisions) {
      put({
        subject_scheme: d.subject.scheme,
        subject_value: d.subject.id,
        at: b.at,
        id: d.decision_id,
        kind: 'decision',
        principal_id: b.principal_id,
        action: b.action,
        purpose: b.purpose,
        outcome: d.outcome,
        policy_version: d.policy_version,
      });
    }
  }
  return c;
}

/** The review tasks a flush opens: one per decision whose outcome is `review`, keyed by its id. */
function reviewTasksOf(entries: readonly Entry[]): NewReviewTask[] {
  const tasks: NewReviewTask[] = [];
  for (const entry of entries) {
    if ('row' in entry) continue;
    const b = entry.batch;
    for (const d of b.decisions) {
      if (d.outcome !== 'review') continue;
      const asked = d.measures.flatMap((m, i) =>
        m.effect === 'review' ? [{ measure: m, reason: d.reasons[i] ?? '' }] : [],
      );
      tasks.push({
        subject_scheme: d.subject.scheme,
        subject_value: d.subject.id,
        id: d.decision_id,
        principal_id: b.principal_id,
        action: b.action,
        purpose: b.purpose,
        policy_version: d.policy_version,
        measures: asked.map((a) => a.measure),
        reasons: asked.map((a) => a.reason),
        opened_at: b.at,
      });
    }
  }
  return tasks;
}

/**
 * One transaction per flush: one statement for the inquiries, and one more only when the flush
 * opens review tasks, so a task exists exactly when its decision's inquiry does. By default the
 * commit waits for the WAL to reach disk. With `synchronousCommit: false`
 * (CREDENCE_INQUIRY_SYNCHRONOUS_COMMIT=off) it does not: a Credence crash still loses nothing
 * once the insert returns, but a PostgreSQL or machine crash can lose the last few hundred
 * milliseconds of inquiries, with their review tasks (3 × wal_writer_delay). Records,
 * principals and ledger events are always fully synchronous.
 */
async function insertInquiries(
  db: Kysely<DB>,
  c: InquiryColumns,
  reviews: readonly NewReviewTask[],
  synchronousCommit: boolean,
): Promise<void> {
  // The common case is one autocommitted statement: one round trip per flush.
  if (reviews.length === 0 && synchronousCommit) return insertInquiryColumns(db, c);
  await db.transaction().execute(async (trx) => {
    if (!synchronousCommit) await commitWithoutWalFlush(trx);
    await insertInquiryColumns(trx, c);
    await insertReviewTasks(trx, reviews);
  });
}
