/**
 * Decisions in-process: the batch core (checkSubjects, no wait for the inquiry log), and the
 * same work end to end with the log committed (decideBatch, and single decide() calls).
 */

import type { Principal } from '../src/domain/principal.ts';
import {
  checkGrant,
  checkSubjects,
  decide,
  decideBatch,
  type SubjectRef,
} from '../src/services/decisions/decisions.service.ts';
import type { Runtime } from '../src/services/runtime/runtime.ts';

export interface Ask {
  readonly action: string;
  readonly purpose: string;
}

/** Subjects per second through checkSubjects, repeated over `batches` for `ms` after a warm-up. */
export function measureBatchChecks(
  rt: Runtime,
  principal: Principal,
  ask: Ask,
  batches: readonly SubjectRef[][],
  ms = 2000,
): { perSecond: number; notAllowed: number } {
  checkGrant(rt, principal, ask.action, ask.purpose);
  const run = (forMs: number): { subjects: number; elapsed: number } => {
    let subjects = 0;
    const started = performance.now();
    for (let b = 0; performance.now() - started < forMs; b += 1) {
      subjects += checkSubjects(rt, principal, ask.action, ask.purpose, batches[b % batches.length]!, rt.clock())
        .results.length;
    }
    return { subjects, elapsed: performance.now() - started };
  };
  run(300);
  const { subjects, elapsed } = run(ms);
  const sample = checkSubjects(rt, principal, ask.action, ask.purpose, batches[0]!, rt.clock()).results;
  const notAllowed = sample.filter((r) => 'outcome' in r && r.outcome !== 'allow').length / sample.length;
  return { perSecond: subjects / (elapsed / 1000), notAllowed };
}

/** Runs `inFlight` loops of `step` for `ms`; returns units per second (each step returns its units). */
async function concurrently(inFlight: number, ms: number, step: (i: number) => Promise<number>): Promise<number> {
  let units = 0;
  let calls = 0;
  const started = performance.now();
  const loop = async () => {
    while (performance.now() - started < ms) {
      const done = await step(calls++); // not `units += await`: that reads units before the await
      units += done;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return units / ((performance.now() - started) / 1000);
}

/** decideBatch end to end: each call returns once its inquiries are committed. */
export async function measureLoggedBatches(
  rt: Runtime,
  principal: Principal,
  ask: Ask,
  batches: readonly SubjectRef[][],
  ms = 2000,
  inFlight = 2,
): Promise<number> {
  return concurrently(inFlight, ms, async (i) => {
    const { results } = await decideBatch(rt, principal, { ...ask, subjects: batches[i % batches.length]! });
    return results.length;
  });
}

/** decide() one subject at a time, `inFlight` callers at once (as HTTP connections would be). */
export async function measureSingleDecisions(
  rt: Runtime,
  principal: Principal,
  ask: Ask,
  refs: readonly SubjectRef[],
  ms = 2000,
  inFlight = 50,
): Promise<number> {
  return concurrently(inFlight, ms, async (i) => {
    await decide(rt, principal, { ...ask, subject: refs[i % refs.length]! });
    return 1;
  });
}
