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
import { LedgerFollower, type FollowerHooks } from './ledger-follower.ts';
import { activatePolicy } from '../ledger/policy.service.ts';
import { Runtime } from './runtime.ts';

export interface Registry {
  readonly database: Database;
  readonly rt: Runtime;
  readonly follower: LedgerFollower;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly applicationName: string;
  /** Build the decision index (the server and decision commands need it; imports do not). */
  readonly warmIndex?: boolean;
  readonly clock?: () => Date;
  readonly log?: (message: string) => void;
  readonly onError?: (error: unknown) => void;
  readonly hooks?: Partial<FollowerHooks>;
}

/** Loads the policy folder, keeping the merged document for the ledger's policy store. */
export async function loadPolicyDir(dir: string): Promise<{ policy: Policy; document: Record<string, unknown> }> {
  const parsed = parsePolicyText(await readPolicyFiles(dir));
  if (parsed.policy === undefined || parsed.document === undefined) await loadPolicy(dir); // throws with every problem
  return { policy: parsed.policy!, document: parsed.document as Record<string, unknown> };
}

export async function openRegistry(config: Config, options: OpenOptions): Promise<Registry> {
  const { policy, document } = await loadPolicyDir(config.policyDir);
  const database = await openDatabase(config, options.applicationName, options.log);
  try {
    await migrateToLatest(database.db);
    const rt = new Runtime({
      db: database.db,
      policy,
      clock: options.clock ?? (() => new Date()),
      inquirySynchronousCommit: config.inquirySynchronousCommit,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    await activatePolicy(rt, policy, document);
    const follower = new LedgerFollower(rt, {
      policyFromDigest: async (digest) => policyFromStore(database, digest),
      ...options.hooks,
    });
    if (options.warmIndex === true) await follower.warm();
    return {
      database,
      rt,
      follower,
      close: async () => {
        await follower.stop();
        await rt.log.drain();
        await database.close();
      },
    };
  } catch (error) {
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
