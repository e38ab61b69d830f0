/**
 * Witness submission running in the background of the server (issue 9): a round (submitToWitnesses) after
 * each new checkpoint and every `intervalMs`, which is also how a failing witness is retried once its backoff
 * has passed. At most one round runs at a time; a wake-up during a round runs one more after it.
 */

import type { ServiceContext } from '../context.ts';
import { serialRunner } from '../runtime/serial-runner.ts';
import { submitToWitnesses, type WitnessOutcome, type WitnessSubmission } from './log-witness.service.ts';

/** How the loop runs: the poll interval, and where failures and errors go. */
export interface WitnessLoopOptions extends WitnessSubmission {
  readonly intervalMs: number;
  readonly onOutcome: (outcome: WitnessOutcome) => void;
  readonly onError: (error: unknown) => void;
}

/** A running submission loop: wake it after a checkpoint; stop waits for the round under way. */
export interface WitnessLoop {
  wake(): void;
  stop(): Promise<void>;
}

/** Starts submitting in the background, one round now. Without witnesses it does nothing. */
export function startWitnessSubmission(ctx: ServiceContext, options: WitnessLoopOptions): WitnessLoop {
  if (options.witnesses.length === 0) return { wake: () => undefined, stop: async () => undefined };
  const runner = serialRunner(async () => {
    for (const outcome of await submitToWitnesses(ctx, options)) options.onOutcome(outcome);
  }, options.onError);
  const run = runner.request;
  const poll = setInterval(run, options.intervalMs);
  poll.unref();
  run();
  return {
    wake: run,
    stop: async () => {
      clearInterval(poll);
      await runner.stop();
    },
  };
}
