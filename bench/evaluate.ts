/**
 * Rescoring: the pure evaluation over an in-memory population (the design's target), and
 * rescoreAll through the database (read files, evaluate, write projections), for reference.
 */

import type { Kysely } from 'kysely';
import { evaluateSubject } from '../src/domain/evaluate.ts';
import type { Policy } from '../src/domain/policy.ts';
import type { SubjectFile } from '../src/domain/record.ts';
import { rescoreAll } from '../src/services/ledger/policy.service.ts';
import type { DB } from '../src/store/schema.ts';
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

class Rollback extends Error {}

/** Subjects per second through rescoreAll, in a transaction that is rolled back afterwards. */
export async function measureRescoring(
  db: Kysely<DB>,
  policy: Policy,
  at: Date,
): Promise<{ subjects: number; perSecond: number }> {
  let result = { subjects: 0, perSecond: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      const started = performance.now();
      const subjects = await rescoreAll(trx, policy, at);
      result = { subjects, perSecond: subjects / ((performance.now() - started) / 1000) };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result;
}
