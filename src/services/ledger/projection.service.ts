/**
 * Keeps the projections (subject_state, list_entries) equal to evaluating each subject's
 * records under the active policy. Called inside the transaction that changed the records.
 */

import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { evaluateSubject, type Evaluation, type Membership } from '../../domain/evaluate.ts';
import type { RelatedListing, RelatedOrganization } from '../../domain/related.ts';
import { relatedNotices } from '../../domain/relationship-notices.ts';
import { membershipNotices, type NoticeDraft } from '../../domain/notice.ts';
import { insertNotices } from '../../store/notices.repository.ts';
import { gradeFor, type Policy } from '../../domain/policy.ts';
import type { SubjectFile } from '../../domain/record.ts';
import { getRecordsOfSubjects } from '../../store/records.repository.ts';
import type { Executor } from '../../store/executor.ts';
import type { DB } from '../../store/schema.ts';
import {
  getSubjectLists,
  replaceListEntries,
  upsertSubjectStates,
  type ListEntryRow,
  type SubjectStateRow,
} from '../../store/state.repository.ts';
import { getPersonsRelatedTo, getRelationshipsOfPersons } from '../../store/relationships.repository.ts';
import { getIdentifiersOfSubjects, getSubjectsByIds } from '../../store/subjects.repository.ts';
import { appendEvents } from './ledger.service.ts';

/** True when decisions about this subject can differ from those about an unknown subject. */
export function isIndexed(policy: Policy, evaluation: Evaluation): boolean {
  const baseGrade = gradeFor(policy.scoring, policy.scoring.base);
  return (
    evaluation.grade !== baseGrade ||
    evaluation.lists.some((m) => m.status === 'active') ||
    evaluation.related.length > 0
  );
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
    related: evaluation.related as unknown[],
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

/** How a projection tells subjects: not at all (replay), or with notices, naming the policy activation behind them. */
export interface ProjectionOptions {
  readonly notify: boolean;
  /** The projection rescores under a newly activated policy: list notices say so. */
  readonly activation?: boolean;
}

/**
 * Evaluates the given files at `at` and writes their projections. With `notify` (everything
 * but a ledger replay), every list membership that appears, starts or ends is noticed to the
 * subject in the same transaction, and the persons related to an organisation among them are
 * re-evaluated too (see reprojectRelatedPersons).
 */
export async function writeProjections(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
  options: ProjectionOptions,
): Promise<Projected> {
  const before = options.notify ? await getPreviousLists(trx, [...files.keys()]) : new Map<string, Previous>();
  const states: SubjectStateRow[] = [];
  const entries: ListEntryRow[] = [];
  const evaluations = new Map<string, Evaluation>();
  const notices: NoticeDraft[] = [];
  const related = await loadRelatedOrganizations(trx, policy, files, at);
  for (const [subjectId, file] of files) {
    const evaluation = evaluateSubject(policy, file, at, related.get(subjectId));
    evaluations.set(subjectId, evaluation);
    states.push(stateRow(policy, subjectId, evaluation, at));
    entries.push(...listRows(subjectId, evaluation));
    if (options.notify)
      notices.push(
        ...membershipNotices(
          policy,
          subjectId,
          before.get(subjectId)?.lists ?? [],
          evaluation.lists,
          options.activation === true ? { at } : undefined,
        ),
        ...relatedNotices(policy, subjectId, before.get(subjectId)?.related ?? [], evaluation),
      );
  }
  await upsertSubjectStates(trx, states);
  await replaceListEntries(trx, [...files.keys()], entries);
  await recordNotices(trx, notices, at);
  if (options.notify) await reprojectRelatedPersons(trx, policy, files, at, options);
  return { states, evaluations };
}

/**
 * Fa Shi [2015] 17 art. 3 para. 2: a person's measures follow the listings of the organisations they are related
 * to, so when an organisation is re-evaluated, so are the persons related to it (at the same instant), each with a
 * `subject.reevaluated` event: the decision index follows it, and a replay evaluates the person as of then.
 */
async function reprojectRelatedPersons(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
  options: ProjectionOptions,
): Promise<void> {
  const organizations = [...files].filter(([, file]) => file.kind === 'organization').map(([id]) => id);
  const persons = (await getPersonsRelatedTo(trx, organizations)).filter((id) => !files.has(id));
  if (persons.length === 0) return;
  await writeProjections(trx, policy, await loadSubjectFiles(trx, persons), at, {
    notify: true,
    activation: options.activation,
  });
  const events = persons.map((id) => ({ type: 'subject.reevaluated', subject_id: id, payload: { reason: 'related' } }));
  await appendEvents(trx, at, events);
}

/**
 * The organisations the persons among `files` are related to by a relationship not revoked, each with the
 * organisation's memberships evaluated at `at` from its stored records (never from its projection, so a replay,
 * which evaluates the person as of its last event, reads the same), by person id.
 */
export async function loadRelatedOrganizations(
  trx: Executor,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
): Promise<Map<string, RelatedOrganization[]>> {
  const persons = [...files].filter(([, file]) => file.kind === 'person').map(([id]) => id);
  const relationships = (await getRelationshipsOfPersons(trx, persons)).filter((r) => r.status === 'active');
  const result = new Map<string, RelatedOrganization[]>();
  if (relationships.length === 0) return result;
  const ids = [...new Set(relationships.map((r) => r.organization_id))];
  const [organizations, identifiers] = await Promise.all([
    loadSubjectFiles(trx, ids),
    getIdentifiersOfSubjects(trx, ids),
  ]);
  const names = new Map((await getSubjectsByIds(trx, ids)).map((s) => [s.id, s.name]));
  const schemes = [...policy.identifier_schemes.keys()];
  const evaluated = new Map<string, readonly Membership[]>();
  for (const r of relationships) {
    const file = organizations.get(r.organization_id);
    if (file === undefined) continue;
    const own = identifiers
      .filter((i) => i.subject_id === r.organization_id)
      .sort((a, b) => schemes.indexOf(a.scheme) - schemes.indexOf(b.scheme) || a.value.localeCompare(b.value));
    const organization = {
      scheme: own[0]?.scheme ?? '',
      id: own[0]?.value ?? '',
      name: names.get(r.organization_id) ?? '',
      identifiers: own.map((i) => i.value),
    };
    let lists = evaluated.get(r.organization_id);
    if (lists === undefined) {
      lists = evaluateSubject(policy, file, at).lists;
      evaluated.set(r.organization_id, lists);
    }
    const entry = { relationship: r, organization, lists };
    result.set(r.person_id, [...(result.get(r.person_id) ?? []), entry]);
  }
  return result;
}

/** The memberships and related listings the projections held before this change (dates stay as stored text). */
interface Previous {
  readonly lists: Membership[];
  readonly related: RelatedListing[];
}

async function getPreviousLists(trx: Transaction<DB>, subjectIds: readonly string[]): Promise<Map<string, Previous>> {
  const rows = await getSubjectLists(trx, subjectIds);
  return new Map(
    rows.map((r) => [r.subject_id, { lists: r.lists as Membership[], related: r.related as RelatedListing[] }]),
  );
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
  trx: Executor,
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
  options: ProjectionOptions,
): Promise<Projected> {
  return writeProjections(trx, policy, await loadSubjectFiles(trx, subjectIds), at, options);
}
