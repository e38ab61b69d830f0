/**
 * The running registry: database, active policy, decision index, inquiry log and the ledger
 * follower that keeps the index fresh. The server builds one; CLI commands build one too.
 */

import { newRowId } from '../../domain/row-id.ts';
import type { Kysely } from 'kysely';
import type { Policy } from '../../domain/policy.ts';
import type { DB } from '../../store/schema.ts';
import { DecisionIndex } from '../decisions/decision-index.ts';
import { DecisionLog } from '../decisions/decision-log.ts';
import type { ServiceContext } from '../context.ts';

export interface RuntimeOptions {
  readonly db: Kysely<DB>;
  readonly policy: Policy;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  readonly onError?: (error: unknown) => void;
  /** Whether an inquiry's commit waits for the WAL flush (default true: see DecisionLog). */
  readonly inquirySynchronousCommit?: boolean;
}

/** The service context of a running process, with its decision index. */
export class Runtime implements ServiceContext {
  readonly db: Kysely<DB>;
  readonly log: DecisionLog;
  readonly clock: () => Date;
  readonly newId: () => string;
  private current: DecisionIndex;
  private follow: () => Promise<void> = async () => undefined;
  private scheduled: () => boolean = () => false;

  constructor(options: RuntimeOptions) {
    this.db = options.db;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? newRowId;
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

  indexed(): Promise<void> {
    return this.follow();
  }

  /** Who keeps the index fresh (the ledger follower, once it has warmed the index). */
  followWith(catchUp: () => Promise<void>): void {
    this.follow = catchUp;
  }

  /** Whether scheduled work is catching up on time that passed while no scheduler ran (the server's first run). */
  get catchingUp(): boolean {
    return this.scheduled();
  }

  /** Who tells whether scheduled work is catching up (the server's scheduler). */
  reportCatchingUpWith(catchingUp: () => boolean): void {
    this.scheduled = catchingUp;
  }

  /** Swaps in a freshly built index (after warm-up or a policy change). */
  replaceIndex(index: DecisionIndex): void {
    this.current = index;
  }
}
