/**
 * The server process: open the registry, warm the index, follow the ledger, listen, then run the scheduled jobs in
 * the background (the first run catches up on time the server was down; /health says `catching_up` meanwhile, and
 * decisions read the subjects it has not reached afresh from the database). On SIGINT
 * or SIGTERM it stops accepting, drains requests and the inquiry log, then detaches from the
 * database (stopping the embedded cluster if no other Credence process uses it).
 */

import pino from 'pino';
import type { Config } from './config.ts';
import { buildApp } from './app.ts';
import { KeyCache } from './services/accounts/key-cache.service.ts';
import { openLogSigner } from './services/ledger/log-key.service.ts';
import { checkLogAtStart } from './services/ledger/log-audit.service.ts';
import { type LogIntegrationLoop, startLogIntegration } from './services/ledger/log-integration-loop.ts';
import type { NoteSigner } from './domain/log/note-keys.ts';
import { configureWitnesses } from './services/ledger/log-witness.service.ts';
import { startWitnessSubmission, type WitnessLoop } from './services/ledger/log-witness-loop.ts';
import { openRegistry, type Registry } from './services/runtime/open-registry.ts';
import type { AvailabilityEvents } from './services/runtime/database-availability.ts';
import { startActivationLoop } from './services/runtime/activation-loop.ts';
import { getNextDueChange, registryJobs, scheduleJobs } from './services/runtime/jobs.service.ts';
import { subjectSignInFromConfig } from './services/accounts/subject-sign-in.service.ts';

/** How long the log integrator waits after a ledger notification, so that a burst becomes one checkpoint. */
const LOG_BATCH_DELAY_MS = 100;

/** How the server process runs. Only the bench sets it. */
export interface ServerOptions {
  /**
   * false: serve without the transparency log's background work (no start-up check of the tree, no integration,
   * no witness submission), so that `npm run bench` can measure what the log costs (bench/serve.ts). The ledger
   * is written as always; no checkpoint is signed or published while it runs so. Default true.
   */
  readonly log?: boolean;
}

/** A serving server; `stop` drains it and detaches from the database. */
export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** With the log off (ServerOptions.log false): nothing to stop. */
const NO_LOG = { stop: async () => undefined };

/** The HTTP app as configured: its key cache, body limit, sign-in, security headers and trusted proxies. */
function buildServerApp(config: Config, registry: Registry, keys: KeyCache, logKey: string) {
  return buildApp({
    rt: registry.rt,
    follower: registry.follower,
    keys,
    logger: { level: config.logLevel },
    bodyLimitBytes: config.bodyLimitBytes,
    subjectSignIn: subjectSignInFromConfig(config),
    logKey,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    timeZone: config.timeZone,
    policyCandidateDir: config.policyCandidateDir,
  });
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel });
  // Before the database: a log whose key is missing or names another origin must not start.
  const logSigner = await openLogSigner(config, (message) => logger.info(message));
  let keys: KeyCache | null = null;
  const registry = await openRegistry(config, {
    applicationName: 'credence-server',
    warmIndex: true,
    log: (message) => logger.info(message),
    onError: (error) => logger.error({ err: error }, 'background error'),
    ...surviveDatabaseOutages(logger),
    hooks: {
      onPrincipalRevoked: (id) => keys?.evictPrincipal(id),
      onPrincipalCreated: () => keys?.forgetRefused(),
      onError: (error) => logger.error({ err: error }, 'ledger follower'),
    },
  });
  keys = new KeyCache(registry.rt);
  await registry.follower.start(registry.database.pool, config.ledgerPollMs);
  const log = options.log === false ? NO_LOG : await startLog(registry, logSigner, config, logger);
  const app = await buildServerApp(config, registry, keys, logSigner.verifierKey);
  if (config.demoMode)
    logger.warn(
      "demo mode: the portal's development sign-in opens any file without proof of identity; " +
        'never use it with real data',
    );
  const url = await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
  // Scheduled work (expiry, notice periods, deadlines, notice delivery), started once serving: the first run catches
  // up on what fell due while the server was down; a decision meanwhile never applies a listing past its end (an
  // index entry past its next change is read afresh: stale-states.service.ts).
  const jobs = scheduleJobs({
    intervalMs: config.jobsIntervalMs,
    clock: registry.rt.clock,
    deps: () => registryJobs(registry.rt, config),
    // runJobs returns once the decision index reflects what the jobs changed.
    afterRun: (counts) => {
      if (Object.values(counts).some((n) => n > 0)) logger.info({ jobs: counts }, 'scheduled jobs ran');
    },
    onError: reportFailure(registry, logger, 'scheduled jobs failed; they will be retried'),
    // A listing that ends or starts before the next tick is re-evaluated on time, not a minute late.
    nextDue: () => getNextDueChange(registry.rt),
  });
  registry.rt.reportCatchingUpWith(() => jobs.catchingUp);
  const activations = startActivations(registry, config, logger);
  logger.info({ url, policy: registry.rt.policy.version, indexed: registry.rt.index.size }, 'Credence is serving');
  void jobs.firstRun.then(() => {
    if (!jobs.catchingUp) logger.info('scheduled jobs caught up');
  });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: draining requests');
      const timer = setTimeout(() => {
        logger.error('shutdown timed out');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      await jobs.stop();
      await activations.stop();
      await app.close();
      await log.stop();
      await registry.close();
      clearTimeout(timer);
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url, stop };
}

/** Policy activations rescore in the background, a page at a time, resuming where any process left off. */
function startActivations(registry: Registry, config: Config, logger: pino.Logger) {
  return startActivationLoop(registry.rt, {
    pollMs: Math.max(config.ledgerPollMs, 1000),
    onError: reportFailure(registry, logger, 'a policy activation page failed; it will be retried'),
    onProgress: (outcome) => {
      if (outcome.kind === 'completed')
        logger.info({ activation: outcome.activation.id, version: outcome.activation.version }, 'policy activated');
    },
  });
}

/**
 * Checks the log's store against its last signed checkpoint, closing the registry and refusing to start if they
 * disagree (a log must not serve or extend a tree other than the one it signed), then integrates in the background
 * and submits each new checkpoint to the witnesses. Exported for the bench, which runs it in its own process to
 * measure an import with the log on.
 */
export async function startLog(
  registry: Registry,
  signer: NoteSigner,
  config: Config,
  logger: pino.Logger,
): Promise<{ stop(): Promise<void> }> {
  try {
    await checkLogAtStart(registry.rt, signer.verifierKey);
  } catch (error) {
    await registry.close();
    throw error;
  }
  // Before anything is published: which checkpoint /log/checkpoint serves depends on the witnesses and quorum.
  await configureWitnesses(registry.rt, config.logWitnesses, config.logWitnessQuorum);
  let witnesses: WitnessLoop | null = null;
  const integration: LogIntegrationLoop = await startLogIntegration(registry.rt, registry.database.pool, signer, {
    delayMs: LOG_BATCH_DELAY_MS,
    pollMs: config.ledgerPollMs,
    onError: reportFailure(registry, logger, 'log integration failed; it will be retried'),
    onCheckpoint: () => witnesses?.wake(),
  });
  witnesses = startWitnesses(registry, config, logger);
  return {
    stop: async () => {
      await integration.stop();
      await witnesses?.stop();
    },
  };
}

/**
 * Submits each new checkpoint to the configured witnesses in the background, retrying a failing witness at the
 * poll interval once its backoff has passed.
 */
function startWitnesses(registry: Registry, config: Config, logger: pino.Logger): WitnessLoop {
  return startWitnessSubmission(registry.rt, {
    witnesses: config.logWitnesses,
    intervalMs: config.ledgerPollMs,
    onOutcome: (outcome) => {
      if (outcome.outcome === 'failed')
        logger.warn({ witness: outcome.verifierKey, size: outcome.size, error: outcome.error }, 'witness failed');
    },
    onError: reportFailure(registry, logger, 'witness submission failed; it will be retried'),
  });
}

/** Logs a background failure, unless it is the database being away: that is logged once per outage. */
function reportFailure(registry: Registry, logger: pino.Logger, message: string): (error: unknown) => void {
  return (error) => {
    if (!registry.availability.report(error)) logger.error({ err: error }, message);
  };
}

/**
 * The server outlives its database: with the embedded cluster it starts it again (same port) if its postmaster dies
 * and attaches again; either way the outage is logged once when it starts and once when it ends, not per failed
 * request or background tick.
 */
function surviveDatabaseOutages(logger: pino.Logger): { superviseDatabase: true; availability: AvailabilityEvents } {
  return {
    superviseDatabase: true,
    availability: {
      onDown: (error) => logger.error({ err: error }, 'the database is unavailable; answering 503 until it is back'),
      onBack: (downMs) => logger.info({ down_ms: downMs }, 'the database is available again'),
    },
  };
}
