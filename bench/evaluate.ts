/**
 * Rescoring: the pure evaluation over an in-memory population (the design's target), and a policy activation end
 * to end through the database (schedule, every page read, evaluated, written with its notices and events, completed).
 */

import { evaluateSubject } from '../src/domain/evaluate.ts';
import type { Policy } from '../src/domain/policy.ts';
import { validatePolicyDocument } from '../src/policy/index.ts';
import type { SubjectFile } from '../src/domain/record.ts';
import type { ServiceContext } from '../src/services/context.ts';
import { readPolicyDocument, runActivation, schedulePolicyActivation } from '../src/services/ledger/policy.service.ts';
import { collectGarbage } from './heap.ts';

/**
 * Subjects evaluated per second: the median of `passes` timed full passes over `files`, after a
 * full GC (so the timing does not include promoting the freshly generated population) and a warm-up.
 */
export function measureEvaluations(policy: Policy, files: readonly SubjectFile[], now: Date, passes = 3): number {
  collectGarbage();
  let checksum = 0;
  for (let i = 0; i < Math.min(files.length, 20_000); i += 1) checksum += evaluateSubject(policy, files[i]!, now).score;
  const rates: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    const started = performance.now();
    for (const file of files) checksum += evaluateSubject(policy, file, now).score;
    rates.push(files.length / ((performance.now() - started) / 1000));
  }
  if (checksum === 0) throw new Error('no scores'); // keeps the work observable
  return median(rates);
}

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Subjects per second through a policy activation end to end: the active policy's document under another version
 * (another digest, the same rules) is scheduled and run to completion in this process, every page its own
 * transaction. Leaves that version active.
 */
export async function measureActivation(
  ctx: ServiceContext,
  pageSize?: number,
): Promise<{ subjects: number; perSecond: number; pages: number }> {
  const document = await readPolicyDocument(ctx, ctx.policy.digest);
  if (document === undefined) throw new Error('the active policy has no stored document');
  const variant = { ...document, version: `${String(document.version)}+bench-${Date.now()}` };
  const policy = validatePolicyDocument(variant).policy;
  if (policy === undefined) throw new Error('the variant policy does not validate');
  const started = performance.now();
  const scheduled = await schedulePolicyActivation(ctx, policy, variant, { reason: 'bench', requestedBy: 'cli' });
  if (scheduled.state !== 'open') throw new Error('the variant policy is already active');
  let pages = 0;
  const outcome = await runActivation(ctx, { pageSize, onPage: (o) => (pages += o.kind === 'page' ? 1 : 0) });
  if (outcome.kind !== 'completed') throw new Error(`the activation did not complete (${outcome.kind})`);
  const subjects = Number(outcome.activation.subjects_done);
  return { subjects, perSecond: subjects / ((performance.now() - started) / 1000), pages };
}
