/**
 * Opening the registry, the same way for the server and every CLI command: connect (or attach
 * the embedded cluster), migrate, load and activate the policy, and build the runtime.
 */

import type { Config } from '../../config.ts';
import type { Policy } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';
import { loadPolicy, readPolicyFiles, parsePolicyText, validatePolicyDocument } from '../../policy/index.ts';
import { openDatabase, type Database } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { getPolicyDocument } from '../../store/policies.repository.ts';
import { type AvailabilityEvents, DatabaseAvailability } from './database-availability.ts';
import { LedgerFollower, type FollowerHooks } from './ledger-follower.ts';
import { activatePolicy } from '../ledger/policy.service.ts';
import { Runtime } from './runtime.ts';

export interface Registry {
  readonly database: Database;
  readonly rt: Runtime;
  readonly follower: LedgerFollower;
  /** Whether the database answers; background errors saying it does not go here rather than to `onError`. */
  readonly availability: DatabaseAvailability;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly applicationName: string;
  /** Build the decision index (the server and decision commands need it; imports do not). */
  readonly warmIndex?: boolean;
  readonly clock?: () => Date;
  readonly log?: (message: string) => void;
  /** Errors of background work (the inquiry log, connections) other than the database being unreachable. */
  readonly onError?: (error: unknown) => void;
  readonly hooks?: Partial<FollowerHooks>;
  /** Told once when the database stops answering and once when it is back. */
  readonly availability?: AvailabilityEvents;
  /** Keep the embedded cluster running while the process lives (the server): see openDatabase. */
  readonly superviseDatabase?: boolean;
}

/** Loads the policy folder, keeping the merged document for the ledger's policy store. */
export async function loadPolicyDir(dir: string): Promise<{ policy: Policy; document: Record<string, unknown> }> {
  const parsed = parsePolicyText(await readPolicyFiles(dir));
  if (parsed.policy === undefined || parsed.document === undefined) await loadPolicy(dir); // throws with every problem
  return { policy: parsed.policy!, document: parsed.document as Record<string, unknown> };
}

export async function openRegistry(config: Config, options: OpenOptions): Promise<Registry> {
  const { policy, document } = await loadPolicyDir(config.policyDir);
  let availability: DatabaseAvailability | undefined;
  /** Reports `error` to `to` unless it says the database is unreachable: that is logged once per outage. */
  const unlessUnavailable = (to: ((error: unknown) => void) | undefined) => (error: unknown) => {
    if (availability?.report(error) !== true) to?.(error);
  };
  const database = await openDatabase(config, options.applicationName, {
    ...(options.log ? { log: options.log } : {}),
    onConnectionError: unlessUnavailable(options.onError),
    supervise: options.superviseDatabase === true,
  });
  availability = new DatabaseAvailability(database.db, options.availability ?? { onDown: () => {}, onBack: () => {} });
  try {
    await migrateToLatest(database.db);
    const rt = new Runtime({
      db: database.db,
      policy,
      clock: options.clock ?? (() => new Date()),
      inquirySynchronousCommit: config.inquirySynchronousCommit,
      onError: unlessUnavailable(options.onError),
    });
    await activatePolicy(rt, policy, document);
    const follower = new LedgerFollower(
      rt,
      {
        policyFromDigest: async (digest) => policyFromStore(database, digest),
        ...options.hooks,
        onError: unlessUnavailable(options.hooks?.onError),
      },
      database.pool,
    );
    if (options.warmIndex === true) await follower.warm();
    const watch = availability;
    return {
      database,
      rt,
      follower,
      availability: watch,
      close: async () => {
        await follower.stop();
        await rt.log.drain();
        watch.stop();
        await database.close();
      },
    };
  } catch (error) {
    availability.stop();
    await database.close();
    throw error;
  }
}

/** The policy stored under `digest` in the ledger's policy store. */
export async function policyFromStore(database: Pick<Database, 'db'>, digest: string): Promise<Policy> {
  const document = await getPolicyDocument(database.db, digest);
  const validation = document === undefined ? undefined : validatePolicyDocument(document);
  if (validation?.policy === undefined)
    throw new CredenceError(
      'CRD_POLICY_INVALID',
      `stored policy ${digest} cannot be loaded`,
      validation?.problems ?? [],
    );
  return validation.policy;
}
