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
import { getLatestActivationShared } from '../../store/policy-activations.repository.ts';
import { getRecordsInSubjectRange, getSubjectKindsAfter } from '../../store/subject-pages.repository.ts';
import { lockLedger } from '../../store/ledger.repository.ts';
import { appendEvents } from './ledger.service.ts';
import { storedPolicy } from './stored-policies.ts';

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

/** A subject's list entries, each with what it rests on (its records' types, the newest decision: migration 023). */
function listRows(subjectId: string, evaluation: Evaluation, file: SubjectFile): ListEntryRow[] {
  return evaluation.lists.map((m) => {
    const records = file.records.filter((r) => m.records.includes(r.id));
    const newest = Math.max(...records.map((r) => r.decided_at.getTime()));
    return {
      list_id: m.list,
      subject_id: subjectId,
      status: m.status,
      since: m.since,
      effective_from: m.effective_from,
      until: m.until,
      record_ids: [...m.records],
      subject_kind: file.kind,
      record_types: [...new Set(records.map((r) => r.type))].sort(),
      newest_decided_at: records.length === 0 ? null : new Date(newest),
    };
  });
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
  const evaluations = new Map<string, Evaluation>();
  const related = await loadRelatedOrganizations(trx, policy, files, at);
  for (const [subjectId, file] of files)
    evaluations.set(subjectId, evaluateSubject(policy, file, at, related.get(subjectId)));
  const states = await writeEvaluations(trx, policy, files, evaluations, before, at, options);
  if (options.notify) await reprojectRelatedPersons(trx, policy, files, at, options);
  return { states, evaluations };
}

/**
 * Writes evaluated subjects' projections (state and list entries, replaced) and, with `notify`, a notice of every
 * list membership that appears, starts or ends against `before`.
 */
export async function writeEvaluations(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  evaluations: ReadonlyMap<string, Evaluation>,
  before: ReadonlyMap<string, Previous>,
  at: Date,
  options: ProjectionOptions,
): Promise<SubjectStateRow[]> {
  const states: SubjectStateRow[] = [];
  const entries: ListEntryRow[] = [];
  const notices: NoticeDraft[] = [];
  for (const [subjectId, evaluation] of evaluations) {
    states.push(stateRow(policy, subjectId, evaluation, at));
    entries.push(...listRows(subjectId, evaluation, files.get(subjectId)!));
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
  await replaceListEntries(trx, [...evaluations.keys()], entries);
  await recordNotices(trx, notices, at);
  return states;
}

/** Writes evaluated subjects' projections without notices: a replay's own evaluations (replay.service.ts). */
export async function writeReplayed(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  evaluations: ReadonlyMap<string, Evaluation>,
  at: Date,
): Promise<void> {
  await writeEvaluations(trx, policy, files, evaluations, new Map(), at, { notify: false });
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
  await reprojectSubjects(trx, policy, persons, at, { notify: true, activation: options.activation });
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
export interface Previous {
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

/**
 * One page of subject files: up to `size` subjects with ids after `after`, in id order, their records read by one
 * range scan (policy simulation and activation pages).
 */
export async function loadSubjectFilesAfter(
  trx: Executor,
  after: string,
  size: number,
): Promise<Map<string, SubjectFile>> {
  const subjects = await getSubjectKindsAfter(trx, after, size);
  const files = new Map<string, { kind: SubjectFile['kind']; records: SubjectFile['records'][number][] }>();
  if (subjects.length === 0) return files;
  for (const s of subjects) files.set(s.id, { kind: s.kind, records: [] });
  const records = await getRecordsInSubjectRange(trx, subjects[0]!.id, subjects[subjects.length - 1]!.id);
  for (const r of records) files.get(r.subject_id)?.records.push(r);
  return files;
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

/**
 * Re-evaluates subjects from their stored records at `at`, each under the policy it is decided under (see
 * projectUnderTheirPolicies).
 */
export async function reprojectSubjects(
  trx: Transaction<DB>,
  policy: Policy,
  subjectIds: readonly string[],
  at: Date,
  options: ProjectionOptions,
): Promise<Projected> {
  return projectUnderTheirPolicies(trx, policy, await loadSubjectFiles(trx, subjectIds), at, options);
}

/**
 * writeProjections with each subject under the policy it is decided under: `policy` (the caller's, the one in force
 * as its process knows it) unless the latest policy activation says otherwise (see policiesOf). The evaluations
 * are returned together. Every write that changes what a subject's evaluation rests on goes through here.
 */
export async function projectUnderTheirPolicies(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
  options: ProjectionOptions,
): Promise<Projected> {
  const groups = await policiesOf(trx, policy, [...files.keys()]);
  if (groups.size === 1) {
    const [under] = groups.keys();
    return writeProjections(trx, under!, files, at, options);
  }
  const states: SubjectStateRow[] = [];
  const evaluations = new Map<string, Evaluation>();
  for (const [under, ids] of groups) {
    const projected = await writeProjections(trx, under, new Map(ids.map((id) => [id, files.get(id)!])), at, options);
    states.push(...projected.states);
    for (const [id, evaluation] of projected.evaluations) evaluations.set(id, evaluation);
  }
  return { states, evaluations };
}

/**
 * Which policy each subject is reprojected under. While an activation runs, a subject its cursor has passed is under
 * the policy being activated and every other under the one it replaces; once it completed, everyone is under the
 * activated policy, even in a process that has not heard of it yet. The activation's row is read FOR SHARE, so a
 * page of the activation (which locks it FOR UPDATE) and this write never interleave.
 */
async function policiesOf(
  trx: Transaction<DB>,
  policy: Policy,
  subjectIds: readonly string[],
): Promise<Map<Policy, string[]>> {
  if (subjectIds.length === 0) return new Map([[policy, []]]);
  // The ledger's lock first, as a page takes it (policy.service.ts): a write that took this row's lock first and
  // then waited for the ledger's, while a page held the ledger's and waited for the row, would be a deadlock.
  await lockLedger(trx);
  const latest = await getLatestActivationShared(trx);
  if (latest === undefined) return new Map([[policy, [...subjectIds]]]);
  const load = (digest: string) => (digest === policy.digest ? policy : storedPolicy(trx, digest));
  if (latest.status === 'completed') return new Map([[await load(latest.digest), [...subjectIds]]]);
  const before = latest.previous_digest === null ? policy : await load(latest.previous_digest);
  if (latest.status === 'scheduled' || latest.cursor === null) return new Map([[before, [...subjectIds]]]);
  const next = await load(latest.digest);
  const cursor = BigInt(latest.cursor);
  const result = new Map<Policy, string[]>();
  for (const id of subjectIds) {
    const under = BigInt(id) <= cursor ? next : before;
    const ids = result.get(under);
    if (ids === undefined) result.set(under, [id]);
    else ids.push(id);
  }
  return result;
}
