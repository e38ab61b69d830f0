/**
 * Decisions about subjects whose index entry is stale: their evaluation changed with time alone (a listing reached
 * its `until`, a notice period ran out) and the scheduled jobs have not re-evaluated them yet, e.g. while a server
 * that was down catches up in the background. Such a subject is evaluated afresh from its stored records, as the
 * jobs will, at the decision's instant: no listing is applied past its end, and none is missed after its start.
 *
 * Why not treat the entry's next change as the end of its listings: the next change is the earliest of several
 * instants (a listing's end, another listing's start after its notice period, a record's end lowering or raising
 * the grade, a related organisation's listing ending), and the entry does not say which came. Only the evaluation
 * knows; it is a few indexed reads, and only for the few subjects caught between their change and the next run.
 */

import { switchesEarly } from '../../domain/early-switch.ts';
import { evaluateSubject } from '../../domain/evaluate.ts';
import { getSubjectsByIdentifiers } from '../../store/subjects.repository.ts';
import { stateRow } from '../ledger/projection.service.ts';
import { loadRelatedOrganizations, loadSubjectFiles } from '../ledger/subject-files.service.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { DecisionTemplate } from './decision-index.ts';

/** The key under which `decideAfresh` answers for an identifier. */
export function identifierKey(scheme: string, id: string): string {
  return `${scheme}\u0000${id}`;
}

/**
 * The decisions for `action` about the given identifiers, from their subjects' records evaluated at `now` (one
 * consistent snapshot), by identifierKey. An identifier no subject has decides as an unknown subject.
 */
export async function decideAfresh(
  rt: Runtime,
  refs: readonly { readonly scheme: string; readonly id: string }[],
  action: string,
  now: Date,
): Promise<Map<string, DecisionTemplate>> {
  const index = rt.index;
  const next = index.nextPolicy;
  const read = await rt.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const found = await getSubjectsByIdentifiers(
        trx,
        refs.map((r) => ({ scheme: r.scheme, value: r.id })),
      );
      const files = await loadSubjectFiles(trx, [...new Set(found.map((s) => s.id))]);
      // While a policy activation runs, a subject it has reached (or switched early) is evaluated under the policy
      // being activated.
      const related = new Map<string, Awaited<ReturnType<typeof loadRelatedOrganizations>>>();
      for (const policy of next === undefined ? [index.policy] : [index.policy, next])
        related.set(policy.digest, await loadRelatedOrganizations(trx, policy, files, now));
      return { found, files, related };
    });
  const bySubject = new Map<string, DecisionTemplate>();
  for (const [subjectId, file] of read.files) {
    const cursorSays = index.policyOf(subjectId);
    const early = next !== undefined && cursorSays !== next && switchesEarly(cursorSays, next, file);
    const policy = early ? next : cursorSays;
    const evaluation = evaluateSubject(policy, file, now, read.related.get(policy.digest)?.get(subjectId));
    // The state the jobs will store, indexed as the ledger follower will index it.
    const { code, related } = index.entryOf(stateRow(policy, subjectId, evaluation, now));
    bySubject.set(subjectId, index.decideWith(action, code, related));
  }
  const unknown = index.decider(action)(index.baseCode);
  const result = new Map<string, DecisionTemplate>();
  for (const ref of refs) result.set(identifierKey(ref.scheme, ref.id), unknown);
  for (const s of read.found) {
    const template = bySubject.get(s.id);
    if (template !== undefined) result.set(identifierKey(s.scheme, s.value), template);
  }
  return result;
}
