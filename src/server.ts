/**
 * The server process: open the registry, warm the index, follow the ledger, listen. On SIGINT
 * or SIGTERM it stops accepting, drains requests and the inquiry log, then detaches from the
 * database (stopping the embedded cluster if no other Credence process uses it).
 */

import pino from 'pino';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { KeyCache } from './http/auth.ts';
import { openRegistry } from './services/bootstrap.ts';
import { reevaluateAllDue } from './services/reevaluation.service.ts';

/** How often the server re-evaluates subjects whose next change has come (expiry, notice periods). */
const REEVALUATE_EVERY_MS = 60_000;

export async function startServer(config: Config): Promise<{ url: string; stop(): Promise<void> }> {
  const logger = pino({ level: config.logLevel });
  let keys: KeyCache | null = null;
  const registry = await openRegistry(config, {
    applicationName: 'credence-server',
    warmIndex: true,
    log: (message) => logger.info(message),
    onError: (error) => logger.error({ err: error }, 'background error'),
    hooks: { onPrincipalRevoked: (id) => keys?.evictPrincipal(id), onError: (error) => logger.error({ err: error }, 'ledger follower') },
  });
  keys = new KeyCache(registry.rt.db);
  await registry.follower.start(registry.database.pool, config.ledgerPollMs);
  const app = await buildApp({ rt: registry.rt, follower: registry.follower, keys, logger: { level: config.logLevel }, bodyLimitBytes: config.bodyLimitBytes });
  const reevaluate = async () => {
    try {
      const count = await reevaluateAllDue(registry.rt.db, registry.rt.policy, registry.rt.clock());
      if (count > 0) logger.info({ count }, 're-evaluated subjects whose next change had come');
      await registry.follower.catchUp();
    } catch (error) {
      logger.error({ err: error }, 'scheduled re-evaluation failed; it will be retried');
    }
  };
  await reevaluate();
  const reevaluation = setInterval(() => void reevaluate(), REEVALUATE_EVERY_MS);
  reevaluation.unref();
  const url = await app.listen({ port: config.port, host: config.host });
  logger.info({ url, policy: registry.rt.policy.version, indexed: registry.rt.index.size }, 'Credence is serving');
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: draining requests');
      const timer = setTimeout(() => { logger.error('shutdown timed out'); process.exit(1); }, config.shutdownTimeoutMs);
      timer.unref();
      clearInterval(reevaluation);
      await app.close();
      await registry.close();
      clearTimeout(timer);
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url, stop };
}
