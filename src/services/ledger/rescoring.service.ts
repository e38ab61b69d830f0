/**
 * Rescoring for a policy activation (policy.service.ts): a page of subjects evaluated under the new policy, written
 * only where the evaluation changed, and the comparison a replay repeats to rebuild the same rows.
 */

import type { Transaction } from 'kysely';
import { evaluateSubject, type Evaluation } from '../../domain/evaluate.ts';
import type { Policy } from '../../domain/policy.ts';
import type { SubjectFile } from '../../domain/record.ts';
import type { DB } from '../../store/schema.ts';
import { getStatesInRange, type SubjectStateRow } from '../../store/state.repository.ts';
import { type Previous, stateRow, writeEvaluations } from './projection.service.ts';
import { loadRelatedOrganizations } from './subject-files.service.ts';

/**
 * One page of a policy activation: the subjects of `files` (ids in (after, through], loadSubjectFilesAfter),
 * evaluated under `policy` at `at`. A subject whose evaluation changed is written as any projection is, with
 * notices naming the policy; one whose evaluation is the same is left as it is (its row still names the policy and
 * the instant of its last change: subject_state says when a state last changed, not when it was last confirmed).
 * That is most subjects of most policy changes, and what makes a page cheap: reads and evaluation, no write. Which
 * policy decides a subject follows from the activation's cursor, not from its row (decision-index.ts), and a replay
 * simulates the same comparison (replay.service.ts). Persons related to an organisation in the page are not
 * re-evaluated: a person's evaluation depends only on the organisation's records and the person's own policy,
 * which the organisation's page changes for neither. Resolves to how many subjects changed.
 */
export async function rescorePage(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  range: { readonly after: string; readonly through: string },
  at: Date,
): Promise<number> {
  const stored = await getStatesInRange(trx, range.after, range.through);
  const previous = new Map(stored.map((row) => [row.subject_id, row]));
  const related = await loadRelatedOrganizations(trx, policy, files, at);
  const changed = new Map<string, Evaluation>();
  for (const [subjectId, file] of files) {
    const evaluation = evaluateSubject(policy, file, at, related.get(subjectId));
    const row = previous.get(subjectId);
    if (row === undefined || !sameState(row, stateRow(policy, subjectId, evaluation, at)))
      changed.set(subjectId, evaluation);
  }
  const before = new Map(stored.map((row) => [row.subject_id, row as unknown as Previous]));
  await writeEvaluations(trx, policy, files, changed, before, at, { notify: true, activation: true });
  return changed.size;
}

/** Whether two evaluations (each under its policy) would store the same state, but for policy and instant. */
export function sameEvaluation(
  first: { readonly policy: Policy; readonly evaluation: Evaluation },
  second: { readonly policy: Policy; readonly evaluation: Evaluation },
): boolean {
  const row = stateRow(first.policy, '', first.evaluation, new Date(0));
  const stored = {
    ...row,
    lists: JSON.parse(JSON.stringify(row.lists)),
    related: JSON.parse(JSON.stringify(row.related)),
  };
  return sameState(stored, stateRow(second.policy, '', second.evaluation, new Date(0)));
}

/** Whether a stored state (JSON dates as text) holds what `row` would store, but for policy and instant. */
function sameState(
  stored: Pick<SubjectStateRow, 'score' | 'grade' | 'next_change_at' | 'indexed'> & {
    readonly lists: unknown;
    readonly active_lists: readonly string[];
    readonly related: unknown;
  },
  row: SubjectStateRow,
): boolean {
  return (
    Number(stored.score) === row.score &&
    stored.grade === row.grade &&
    stored.indexed === row.indexed &&
    (stored.next_change_at?.getTime() ?? null) === (row.next_change_at?.getTime() ?? null) &&
    stored.active_lists.join(',') === row.active_lists.join(',') &&
    sameJson(stored.lists, row.lists) &&
    sameJson(stored.related, row.related)
  );
}

/** Whether `stored` (parsed from jsonb) is what `value` would be stored as: JSON.stringify's view of it, deeply. */
function sameJson(stored: unknown, value: unknown): boolean {
  if (value instanceof Date) return stored === value.toISOString();
  if (value === null || typeof value !== 'object') return stored === value;
  if (stored === null || typeof stored !== 'object') return false;
  if (Array.isArray(value))
    return Array.isArray(stored) && stored.length === value.length && value.every((v, i) => sameJson(stored[i], v));
  if (Array.isArray(stored)) return false;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  const storedObject = stored as Record<string, unknown>;
  return (
    keys.length === Object.keys(storedObject).length &&
    keys.every((k) => k in storedObject && sameJson(storedObject[k], (value as Record<string, unknown>)[k]))
  );
}
