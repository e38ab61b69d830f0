/**
 * The one context every service function takes first. Time and ids come from it (tests control
 * both); secrets (keys, tokens, salts) never do: they always come from node:crypto.
 */

import type { Kysely, Transaction } from 'kysely';
import type { Policy } from '../domain/policy.ts';
import type { DB } from '../store/schema.ts';
import type { DecisionLog } from './decisions/decision-log.ts';

export interface ServiceContext {
  readonly db: Kysely<DB>;
  /** The active policy (it can change while the process runs: read it per call). */
  readonly policy: Policy;
  readonly clock: () => Date;
  /** A new unique id (a UUID) for a row: an inquiry, a dispute, a notice. */
  readonly newId: () => string;
  /** The inquiry log: every read of personal data and every decision, group-committed. */
  readonly log: DecisionLog;
  /**
   * Resolves once this process's decision index reflects every ledger event committed before the
   * call (a no-op where the process keeps no index, e.g. an import command).
   */
  indexed(): Promise<void>;
}

/**
 * Runs `work` in one transaction and returns once the decision index reflects it, so the next
 * decision anyone asks of this process sees the write. Every service that appends ledger events
 * writes through here.
 */
export async function writeTransaction<T>(ctx: ServiceContext, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction().execute(work);
  await ctx.indexed();
  return result;
}
