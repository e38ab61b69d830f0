/**
 * Policy activations running in the background of the server (issue 12): a page at a time, one after another,
 * yielding to requests between pages, until the open activation completes; an activation scheduled for later
 * starts at its instant. Polls for a new activation (scheduled by `credence policy activate`, the console, or
 * another process) every `pollMs`. A page that fails is reported and retried at the next poll; the activation
 * resumes at its cursor, here or in any other process.
 */

import { type PageOutcome, runActivationPage } from '../ledger/policy.service.ts';
import type { ServiceContext } from '../context.ts';
import { serialRunner } from './serial-runner.ts';

export interface ActivationLoopOptions {
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
  /** After each page and at completion. */
  readonly onProgress?: (outcome: PageOutcome) => void;
}

export interface ActivationLoop {
  stop(): Promise<void>;
}

export function startActivationLoop(ctx: ServiceContext, options: ActivationLoopOptions): ActivationLoop {
  let stopped = false;
  let startTimer: NodeJS.Timeout | null = null;
  const runner = serialRunner(async () => {
    while (!stopped) {
      const outcome = await runActivationPage(ctx);
      if (outcome.kind === 'page' || outcome.kind === 'completed') options.onProgress?.(outcome);
      if (outcome.kind === 'waiting' && startTimer === null) {
        const delay = Math.max(0, Math.min(outcome.until.getTime() - ctx.clock().getTime(), 2 ** 31 - 1));
        startTimer = setTimeout(() => {
          startTimer = null;
          runner.request();
        }, delay);
        startTimer.unref();
      }
      if (outcome.kind !== 'page') return;
      await new Promise((resolve) => setImmediate(resolve)); // requests first
    }
  }, options.onError);
  const poll = setInterval(() => runner.request(), options.pollMs);
  poll.unref();
  runner.request();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      if (startTimer !== null) clearTimeout(startTimer);
      await runner.stop();
    },
  };
}
