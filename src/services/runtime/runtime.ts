/**
 * The running registry: database, active policy, decision index, inquiry log and the ledger
 * follower that keeps the index fresh. The server builds one; CLI commands build one too.
 */

import type { Kysely } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import type { DB } from '../../store/schema.ts';
import { DecisionIndex } from '../decisions/decision-index.ts';
import { DecisionLog } from '../decisions/decision-log.ts';

export interface RuntimeOptions {
  readonly db: Kysely<DB>;
  readonly policy: Policy;
  readonly clock?: () => Date;
  readonly onError?: (error: unknown) => void;
  /** Whether an inquiry's commit waits for the WAL flush (default true: see DecisionLog). */
  readonly inquirySynchronousCommit?: boolean;
}

export class Runtime {
  readonly db: Kysely<DB>;
  readonly log: DecisionLog;
  readonly clock: () => Date;
  private current: DecisionIndex;

  constructor(options: RuntimeOptions) {
    this.db = options.db;
    this.clock = options.clock ?? (() => new Date());
    this.current = new DecisionIndex(options.policy);
    this.log = new DecisionLog(options.db, {
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.inquirySynchronousCommit !== undefined
        ? { synchronousCommit: options.inquirySynchronousCommit }
        : {}),
    });
  }

  get policy(): Policy {
    return this.current.policy;
  }

  get index(): DecisionIndex {
    return this.current;
  }

  /** Swaps in a freshly built index (after warm-up or a policy change). */
  replaceIndex(index: DecisionIndex): void {
    this.current = index;
  }
}
