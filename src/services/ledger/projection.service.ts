/**
 * Keeps the projections (subject_state, list_entries) equal to evaluating each subject's
 * records under the active policy. Called inside the transaction that changed the records.
 */

import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { evaluateSubject, type Evaluation, type Membership } from '../../domain/evaluate.ts';
import { membershipNotices, type NoticeDraft } from '../../domain/notice.ts';
import { insertNotices } from '../../store/notices.repository.ts';
import { gradeFor, type Policy } from '../../domain/policy.ts';
import type { SubjectFile } from '../../domain/record.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import {
  getSubjectLists,
  replaceListEntries,
  upsertSubjectStates,
  type ListEntryRow,
  type SubjectStateRow,
} from '../../store/state.repository.ts';
import { getSubjectsByIds } from '../../store/subjects.repository.ts';

/** True when decisions about this subject can differ from those about an unknown subject. */
export function isIndexed(policy: Policy, evaluation: Evaluation): boolean {
  const baseGrade = gradeFor(policy.scoring, policy.scoring.base);
  return evaluation.grade !== baseGrade || evaluation.lists.some((m) => m.status === 'active');
}

export function stateRow(policy: Policy, subjectId: string, evaluation: Evaluation, at: Date): SubjectStateRow {
  return {
    subject_id: subjectId,
    score: evaluation.score,
    grade: evaluation.grade,
    lists: evaluation.lists as unknown[],
    active_lists: evaluation.lists.filter((m) => m.status === 'active').map((m) => m.list),
    next_change_at: evaluation.next_change_at,
    evaluated_at: at,
    policy_digest: policy.digest,
    indexed: isIndexed(policy, evaluation),
  };
}

function listRows(subjectId: string, evaluation: Evaluation): ListEntryRow[] {
  return evaluation.lists.map((m) => ({
    list_id: m.list,
    subject_id: subjectId,
    status: m.status,
    since: m.since,
    effective_from: m.effective_from,
    until: m.until,
    record_ids: [...m.records],
  }));
}

export interface Projected {
  readonly states: SubjectStateRow[];
  readonly evaluations: Map<string, Evaluation>;
}

/**
 * Evaluates the given files at `at` and writes their projections. With `notify` (everything
 * but a ledger replay), every list membership that appears, starts or ends is noticed to the
 * subject in the same transaction.
 */
export async function writeProjections(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
  options: { notify: boolean },
): Promise<Projected> {
  const before = options.notify ? await getPreviousLists(trx, [...files.keys()]) : new Map<string, Membership[]>();
  const states: SubjectStateRow[] = [];
  const entries: ListEntryRow[] = [];
  const evaluations = new Map<string, Evaluation>();
  const notices: NoticeDraft[] = [];
  for (const [subjectId, file] of files) {
    const evaluation = evaluateSubject(policy, file, at);
    evaluations.set(subjectId, evaluation);
    states.push(stateRow(policy, subjectId, evaluation, at));
    entries.push(...listRows(subjectId, evaluation));
    if (options.notify)
      notices.push(...membershipNotices(policy, subjectId, before.get(subjectId) ?? [], evaluation.lists));
  }
  await upsertSubjectStates(trx, states);
  await replaceListEntries(trx, [...files.keys()], entries);
  await recordNotices(trx, notices, at);
  return { states, evaluations };
}

/** The memberships the projections held before this change (dates stay as stored text). */
async function getPreviousLists(
  trx: Transaction<DB>,
  subjectIds: readonly string[],
): Promise<Map<string, Membership[]>> {
  const rows = await getSubjectLists(trx, subjectIds);
  return new Map(rows.map((r) => [r.subject_id, r.lists as Membership[]]));
}

/** Writes notices in the caller's transaction: the outbox the webhook delivery reads. */
export async function recordNotices(trx: Transaction<DB>, drafts: readonly NoticeDraft[], at: Date): Promise<void> {
  await insertNotices(
    trx,
    drafts.map((draft) => ({ id: randomUUID(), at, draft })),
  );
}

/** Loads the current files (kind and every record) of the given subjects. */
export async function loadSubjectFiles(
  trx: Transaction<DB>,
  subjectIds: readonly string[],
): Promise<Map<string, SubjectFile>> {
  const [subjects, records] = await Promise.all([
    getSubjectsByIds(trx, subjectIds),
    getRecordsOfSubjects(trx, subjectIds),
  ]);
  const files = new Map<string, { kind: SubjectFile['kind']; records: SubjectFile['records'][number][] }>();
  for (const s of subjects) files.set(s.id, { kind: s.kind, records: [] });
  for (const r of records) files.get(r.subject_id)?.records.push(r);
  return files;
}

/** Re-evaluates subjects from their stored records at `at`. */
export async function reprojectSubjects(
  trx: Transaction<DB>,
  policy: Policy,
  subjectIds: readonly string[],
  at: Date,
  options: { notify: boolean },
): Promise<Projected> {
  return writeProjections(trx, policy, await loadSubjectFiles(trx, subjectIds), at, options);
}
