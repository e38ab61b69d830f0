/**
 * Policy simulation (issue 12): what a candidate policy would change before it is active. Every subject is evaluated
 * under the active policy and under the candidate at the same instant, a page at a time (keyset over subject ids,
 * one range read of records per page), in one read-only transaction: a consistent snapshot, and nothing written.
 * Not an inquiry: no subject is looked up; the sample ids leave only when the caller asks for them.
 */

import { performance } from 'node:perf_hooks';
import type { Transaction } from 'kysely';
import { evaluateSubject } from '../../domain/evaluate.ts';
import type { Policy } from '../../domain/policy.ts';
import { SimulationTally, type SimulationTotals } from '../../domain/policy-simulation.ts';
import type { RelatedOrganization } from '../../domain/related.ts';
import type { SubjectFile } from '../../domain/record.ts';
import type { DB } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';
import { loadRelatedOrganizations, loadSubjectFilesAfter } from './subject-files.service.ts';

const PAGE_SIZE = 5000;

export interface SimulationOptions {
  /** The instant both policies are evaluated at. */
  readonly at: Date;
  /** How many subject ids to keep per change (0: counts only). */
  readonly samples: number;
  readonly pageSize?: number;
}

export interface PolicySimulation extends SimulationTotals {
  readonly at: Date;
  readonly elapsed_ms: number;
  readonly subjects_per_second: number;
}

/** Simulates `candidate` against the active policy (the context's) over every subject. */
export async function simulatePolicy(
  ctx: ServiceContext,
  candidate: Policy,
  options: SimulationOptions,
): Promise<PolicySimulation> {
  const started = performance.now();
  const active = ctx.policy;
  const tally = new SimulationTally(active, candidate, options.samples);
  const size = options.pageSize ?? PAGE_SIZE;
  await ctx.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      let next = loadSubjectFilesAfter(trx, '0', size);
      for (;;) {
        const page = await next;
        if (page.size === 0) return;
        // Read the next page while this one is evaluated: the database works while this process computes.
        next = loadSubjectFilesAfter(trx, lastKey(page), size);
        next.catch(() => undefined); // awaited on the next turn; never an unhandled rejection meanwhile
        await evaluatePage(trx, tally, active, candidate, page, options.at);
      }
    });
  const elapsed = performance.now() - started;
  const totals = tally.totals();
  return {
    at: options.at,
    ...totals,
    elapsed_ms: Math.round(elapsed),
    subjects_per_second: elapsed > 0 ? Math.round((totals.subjects * 1000) / elapsed) : 0,
  };
}

function lastKey(page: ReadonlyMap<string, unknown>): string {
  let last = '';
  for (const key of page.keys()) last = key;
  return last;
}

/**
 * Evaluates a page under both policies. A person's evaluation takes the memberships of the organisations they are
 * related to, evaluated under the same policy (Fa Shi [2015] 17 art. 3 para. 2); most pages have none to read twice.
 */
async function evaluatePage(
  trx: Transaction<DB>,
  tally: SimulationTally,
  active: Policy,
  candidate: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
): Promise<void> {
  const relatedBefore = await loadRelatedOrganizations(trx, active, files, at);
  const relatedAfter: Map<string, RelatedOrganization[]> =
    relatedBefore.size === 0 ? relatedBefore : await loadRelatedOrganizations(trx, candidate, files, at);
  for (const [id, file] of files) {
    const before = evaluateSubject(active, file, at, relatedBefore.get(id));
    const after = evaluateSubject(candidate, file, at, relatedAfter.get(id));
    tally.add(id, file.kind, before, after);
  }
}
