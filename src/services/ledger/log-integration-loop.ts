/**
 * The log integrator running in the background of the server (issue 9): woken by the ledger's NOTIFY, it waits
 * a short batching delay (so a burst of appends becomes one checkpoint) and integrates until every entry is in
 * the tree; a poll catches anything a lost notification missed. So a new checkpoint follows new entries within
 * about a second. Errors are reported and retried at the next wake-up or poll; `stop` waits for the pass under
 * way and releases its connection.
 */

import type pg from 'pg';
import type { NoteSigner } from '../../domain/log/note-keys.ts';
import { listenToChannel } from '../../store/channel-listener.ts';
import { LEDGER_CHANNEL } from '../../store/ledger.repository.ts';
import type { ServiceContext } from '../context.ts';
import { serialRunner } from '../runtime/serial-runner.ts';
import { type IntegrationResult, integrateLog, LOG_BATCH } from './log-integrator.service.ts';

/** How the loop runs: the batching delay after a notification, the poll interval, and where errors go. */
export interface LogIntegrationOptions {
  readonly delayMs: number;
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
  readonly onCheckpoint?: (result: IntegrationResult) => void;
}

/** A running integration loop. */
export interface LogIntegrationLoop {
  stop(): Promise<void>;
}

/**
 * Starts integrating in the background: one pass now, then after each ledger notification (delayed by
 * `delayMs`) and every `pollMs`. At most one pass runs at a time; a wake-up during a pass runs one more after it.
 */
export async function startLogIntegration(
  ctx: ServiceContext,
  pool: pg.Pool,
  signer: NoteSigner,
  options: LogIntegrationOptions,
): Promise<LogIntegrationLoop> {
  let stopped = false;
  let delay: NodeJS.Timeout | null = null;
  const pass = async (): Promise<void> => {
    for (let result = { added: LOG_BATCH, size: 0 }; result.added === LOG_BATCH && !stopped; ) {
      result = await integrateLog(ctx, signer);
      if (result.added > 0) options.onCheckpoint?.(result);
    }
  };
  const runner = serialRunner(pass, options.onError);
  const run = runner.request;
  const wake = (): void => {
    delay ??= setTimeout(() => {
      delay = null;
      run();
    }, options.delayMs);
  };
  // A listening connection lost with the database is opened again by itself; a pass then integrates what
  // came meanwhile.
  const listener = await listenToChannel(pool, LEDGER_CHANNEL, {
    onNotification: wake,
    onRelisten: wake,
    onError: options.onError,
  });
  const poll = setInterval(run, options.pollMs);
  poll.unref();
  run();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      if (delay !== null) clearTimeout(delay);
      await runner.stop();
      await listener.stop();
    },
  };
}
