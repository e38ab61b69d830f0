/**
 * Keeps the projections (subject_state, list_entries) equal to evaluating each subject's
 * records under the active policy. Called inside the transaction that changed the records.
 */

import type { Transaction } from 'kysely';
import { evaluateSubject, type Evaluation, type Membership } from '../../domain/evaluate.ts';
import type { RelatedListing } from '../../domain/related.ts';
import { relatedNotices } from '../../domain/relationship-notices.ts';
import { newRowId } from '../../domain/row-id.ts';
import { membershipNotices, type NoticeDraft } from '../../domain/notice.ts';
import { insertNotices } from '../../store/notices.repository.ts';
import { gradeFor, type Policy } from '../../domain/policy.ts';
import type { SubjectFile } from '../../domain/record.ts';
import type { DB } from '../../store/schema.ts';
import {
  getSubjectLists,
  getSubjectsStatedUnder,
  replaceListEntries,
  upsertSubjectStates,
  type ListEntryRow,
  type SubjectStateRow,
} from '../../store/state.repository.ts';
import { getPersonsRelatedTo } from '../../store/relationships.repository.ts';
import { getLatestActivation } from '../../store/policy-activations.repository.ts';
import { lockLedger } from '../../store/ledger.repository.ts';
import { breathe, isPipelined } from '../../store/copy-in.ts';
import { appendEvents } from './ledger.service.ts';
import { activationPolicies, standing } from './deciding-policy.ts';
import { loadRelatedOrganizations, loadSubjectFiles } from './subject-files.service.ts';

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
  /** Subjects registered in this transaction: nothing is stored about them yet, so nothing is read or replaced. */
  readonly fresh?: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();
/** Subjects evaluated between two breaths (copy-in.ts `breathe`) when the writes are pipelined. */
const EVALUATIONS_PER_BREATH = 250;

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
  const fresh = options.fresh ?? NONE;
  const stored = [...files.keys()].filter((id) => !fresh.has(id));
  const before = options.notify ? await getPreviousLists(trx, stored) : new Map<string, Previous>();
  const evaluations = new Map<string, Evaluation>();
  const related = await loadRelatedOrganizations(trx, policy, files, at, fresh);
  const pipelined = isPipelined(trx);
  for (const [subjectId, file] of files) {
    evaluations.set(subjectId, evaluateSubject(policy, file, at, related.get(subjectId)));
    if (pipelined && evaluations.size % EVALUATIONS_PER_BREATH === 0) await breathe();
  }
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
  await upsertSubjectStates(trx, states, options.fresh);
  await replaceListEntries(trx, [...evaluations.keys()], entries, options.fresh);
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
  // A subject registered in this transaction has no relationship yet: one is filed about subjects that exist.
  const organizations = [...files]
    .filter(([id, file]) => file.kind === 'organization' && options.fresh?.has(id) !== true)
    .map(([id]) => id);
  if (organizations.length === 0) return;
  const persons = (await getPersonsRelatedTo(trx, organizations)).filter((id) => !files.has(id));
  if (persons.length === 0) return;
  // Told of the organisation's change, not of a policy's: a subject switched early (projectUnderTheirPolicies) is
  // the organisation, and its persons stay under the policy they are decided under.
  await reprojectSubjects(trx, policy, persons, at, { notify: true });
  const events = persons.map((id) => ({ type: 'subject.reevaluated', subject_id: id, payload: { reason: 'related' } }));
  await appendEvents(trx, at, events);
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
    drafts.map((draft) => ({ id: newRowId(), at, draft })),
  );
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
 * as its process knows it) unless the latest policy activation says otherwise (deciding-policy.ts). The evaluations
 * are returned together. Every write that changes what a subject's evaluation rests on goes through here. A subject
 * switched early to the policy being activated (early-switch.ts) is told of it as its page would tell it, and the
 * switch is a `policy.subject_switched` event, which a replay follows as it follows the pages: once, by the write that
 * switches it. A later write finds its state under the new policy, and reprojects it as any subject the activation
 * has reached.
 */
export async function projectUnderTheirPolicies(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  at: Date,
  options: ProjectionOptions,
): Promise<Projected> {
  const { groups, early } = await policiesOf(trx, policy, files, options.fresh ?? NONE);
  if (groups.size === 1 && early === null) {
    const [under] = groups.keys();
    return writeProjections(trx, under!, files, at, options);
  }
  const states: SubjectStateRow[] = [];
  const evaluations = new Map<string, Evaluation>();
  const write = async (under: Policy, ids: readonly string[], how: ProjectionOptions) => {
    const projected = await writeProjections(trx, under, new Map(ids.map((id) => [id, files.get(id)!])), at, how);
    states.push(...projected.states);
    for (const [id, evaluation] of projected.evaluations) evaluations.set(id, evaluation);
  };
  for (const [under, ids] of groups) if (ids.length > 0) await write(under, ids, options);
  if (early !== null) {
    await write(early.policy, early.ids, { ...options, activation: true });
    const payload = { activation_id: early.activation_id, digest: early.policy.digest };
    await appendEvents(
      trx,
      at,
      early.ids.map((id) => ({ type: 'policy.subject_switched', subject_id: id, payload })),
    );
  }
  return { states, evaluations };
}

/** The subjects a write reprojects under each policy, and those it switches early to the one being activated. */
interface PolicyGroups {
  readonly groups: Map<Policy, string[]>;
  readonly early: { readonly policy: Policy; readonly activation_id: string; readonly ids: string[] } | null;
}

/**
 * Which policy each subject is reprojected under (deciding-policy.ts). The activation's row is read FOR SHARE, so a
 * page of the activation (which locks it FOR UPDATE) and this write never interleave. A subject owing an early switch
 * whose stored state is already under the new policy was switched by an earlier write: it is not switched again.
 */
async function policiesOf(
  trx: Transaction<DB>,
  policy: Policy,
  files: ReadonlyMap<string, SubjectFile>,
  fresh: ReadonlySet<string>,
): Promise<PolicyGroups> {
  const subjectIds = [...files.keys()];
  if (subjectIds.length === 0) return { groups: new Map([[policy, []]]), early: null };
  // The ledger's lock first, as a page takes it (policy.service.ts): a write that took this row's lock first and
  // then waited for the ledger's, while a page held the ledger's and waited for the row, would be a deadlock.
  await lockLedger(trx);
  const policies = await activationPolicies(trx, policy, await latestActivation(trx));
  const { before, running } = policies;
  if (running === null) return { groups: new Map([[before, subjectIds]]), early: null };
  const groups = new Map<Policy, string[]>([
    [before, []],
    [running.next, []],
  ]);
  const early: string[] = [];
  for (const id of subjectIds) {
    const where = standing(policies, id, files.get(id)!);
    if (where === 'early') early.push(id);
    else groups.get(where === 'next' ? running.next : before)!.push(id);
  }
  const switched = await getSubjectsStatedUnder(
    trx,
    early.filter((id) => !fresh.has(id)),
    running.next.digest,
  );
  groups.get(running.next)!.push(...early.filter((id) => switched.has(id)));
  const switching = early.filter((id) => !switched.has(id));
  for (const [under, ids] of groups) if (ids.length === 0 && groups.size > 1) groups.delete(under);
  return {
    groups,
    early:
      switching.length === 0 ? null : { policy: running.next, activation_id: running.activation_id, ids: switching },
  };
}

type LatestActivation = Awaited<ReturnType<typeof getLatestActivation>>;
const activationsRead = new WeakMap<object, LatestActivation>();

/**
 * The latest activation, read FOR SHARE. A pipelined write (copy-in.ts: an import's batch, which changes no
 * activation) reads it once, ahead of its COPYs (`prepareProjections`), so that no later read waits for them: under
 * the ledger's lock and the row's, no other transaction can change it before this one ends.
 */
async function latestActivation(trx: Transaction<DB>): Promise<LatestActivation> {
  if (!isPipelined(trx)) return getLatestActivation(trx, 'share');
  if (!activationsRead.has(trx)) activationsRead.set(trx, await getLatestActivation(trx, 'share'));
  return activationsRead.get(trx);
}

/** In a pipelined write (copy-in.ts), before its first COPY: reads what projecting will need (see latestActivation). */
export async function prepareProjections(trx: Transaction<DB>): Promise<void> {
  await lockLedger(trx);
  await latestActivation(trx);
}
