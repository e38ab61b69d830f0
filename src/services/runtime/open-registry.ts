/**
 * Opening the registry, the same way for the server and every CLI command: connect (or attach
 * the embedded cluster), migrate, load and activate the policy, and build the runtime.
 */

import type { Config } from '../../config.ts';
import type { Policy } from '../../domain/policy.ts';
import { loadPolicy, readPolicyFiles, parsePolicyText } from '../../policy/index.ts';
import { openDatabase, type Database } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { type AvailabilityEvents, DatabaseAvailability } from './database-availability.ts';
import { LedgerFollower, type FollowerHooks } from './ledger-follower.ts';
import { CredenceError } from '../../errors.ts';
import { getActivePolicyRef, getPolicyDocument } from '../../store/policies.repository.ts';
import { getOpenActivation } from '../../store/policy-activations.repository.ts';
import { activatePolicy, schedulePolicyActivation } from '../ledger/policy.service.ts';
import { rememberPolicy, storedPolicy } from '../ledger/stored-policies.ts';
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
  const configured = await loadPolicyDir(config.policyDir);
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
    const policy = await policyInForce(database, configured, config.policyDir, options.log);
    const rt = new Runtime({
      db: database.db,
      policy,
      clock: options.clock ?? (() => new Date()),
      inquirySynchronousCommit: config.inquirySynchronousCommit,
      onError: unlessUnavailable(options.onError),
    });
    if (policy !== configured.policy) await scheduleConfigured(rt, configured, config.policyDir, options.log);
    else if ((await getActivePolicyRef(rt.db)) === undefined) await activatePolicy(rt, policy, configured.document);
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

/**
 * The policy the registry runs under: the active one in the ledger's policy store. A new registry (none active yet)
 * activates the configured folder's; so does one whose active policy is the folder's.
 */
async function policyInForce(
  database: Database,
  configured: { policy: Policy },
  dir: string,
  log: ((message: string) => void) | undefined,
): Promise<Policy> {
  rememberPolicy(configured.policy);
  const active = await getActivePolicyRef(database.db);
  if (active === undefined || active.digest === configured.policy.digest) return configured.policy;
  const policy = await storedPolicy(database.db, active.digest);
  log?.(`the registry runs policy ${policy.version}; ${dir} holds ${configured.policy.version}`);
  return policy;
}

/**
 * The policy folder holds a policy this registry never had: its activation is scheduled (once: a process opening
 * the registry again joins it), and the server rescores in the background while it serves under the active one.
 * While another activation is open (e.g. from `credence policy activate`), the folder waits its turn.
 */
async function scheduleConfigured(
  rt: Runtime,
  configured: { policy: Policy; document: Record<string, unknown> },
  dir: string,
  log: ((message: string) => void) | undefined,
): Promise<void> {
  if ((await getOpenActivation(rt.db))?.digest === configured.policy.digest) return; // scheduled already
  if ((await getPolicyDocument(rt.db, configured.policy.digest)) !== undefined) {
    // Activated (or scheduled) before and since replaced, e.g. by `credence policy activate`: not undone by a start.
    log?.(
      `${dir} holds policy ${configured.policy.version}, which this registry ran before; ` +
        `run "credence policy activate ${dir} --reason ..." to activate it again`,
    );
    return;
  }
  try {
    const outcome = await schedulePolicyActivation(rt, configured.policy, configured.document, {
      reason: `the policy folder ${dir} changed`,
      requestedBy: 'config',
    });
    if (outcome.state === 'open' && outcome.created)
      log?.(`activation of policy ${configured.policy.version} scheduled: it runs in the background`);
  } catch (error) {
    if (!(error instanceof CredenceError && error.code === 'CRD_ACTIVATION_IN_PROGRESS')) throw error;
    log?.(`policy ${configured.policy.version} in ${dir} waits: ${error.message}`);
  }
}

/** The policy stored under `digest` in the ledger's policy store. */
export async function policyFromStore(database: Pick<Database, 'db'>, digest: string): Promise<Policy> {
  return storedPolicy(database.db, digest);
}
