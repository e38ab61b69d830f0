/**
 * "May subject S do action A for purpose P?" answered from the in-memory index, logged as an
 * inquiry before the answer leaves. The database is touched only by the (batched) log, and for a
 * subject whose index entry is stale (its evaluation changed with time and the scheduled jobs
 * have not caught up yet): that one is evaluated afresh from its records (stale-states.service.ts).
 */

import { normalizeIdentifier, validateIdentifier } from '../../domain/identifiers.ts';
import type { Principal } from '../../domain/principal.ts';
import { CredenceError, type ProblemDetail } from '../../errors.ts';
import type { DecisionBatch } from './decision-log.ts';
import { type DecisionTemplate, RELATED_BIT, STALE } from './decision-index.ts';
import { decideAfresh, identifierKey } from './stale-states.service.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { ServiceContext } from '../context.ts';

export interface SubjectRef {
  readonly scheme: string;
  readonly id: string;
}

export interface DecisionView {
  readonly decision_id: string;
  readonly subject: SubjectRef;
  readonly action: string;
  readonly purpose: string;
  readonly outcome: string;
  readonly measures: DecisionTemplate['measureViews'];
  readonly reasons: readonly string[];
  readonly policy_version: string;
  readonly evaluated_at: string;
  /** For a `review` outcome, the review task it opened (its id is the decision id). */
  readonly review_id?: string | undefined;
}

export type BatchResult = DecisionView | { readonly subject: SubjectRef; readonly error: ProblemDetail };

/** Refuses unknown actions and purposes (400) and those outside the principal's grant (403). */
export function checkGrant(ctx: ServiceContext, principal: Principal, action: string, purpose: string): void {
  const policy = ctx.policy;
  if (!policy.actions.has(action))
    throw new CredenceError('CRD_UNKNOWN_ACTION', `unknown action "${action}"`, [
      {
        code: 'CRD_UNKNOWN_ACTION',
        path: 'action',
        message: `known actions: ${[...policy.actions.keys()].join(', ')}`,
      },
    ]);
  if (!policy.purposes.has(purpose))
    throw new CredenceError('CRD_UNKNOWN_PURPOSE', `unknown purpose "${purpose}"`, [
      {
        code: 'CRD_UNKNOWN_PURPOSE',
        path: 'purpose',
        message: `known purposes: ${[...policy.purposes.keys()].join(', ')}`,
      },
    ]);
  if (principal.role === 'operator') return;
  if (principal.role !== 'relying')
    throw new CredenceError('CRD_FORBIDDEN', `a ${principal.role} key may not ask for decisions`);
  if (!principal.actions.includes(action))
    throw new CredenceError('CRD_ACTION_NOT_GRANTED', `this key is not granted the action "${action}"`, [
      { code: 'CRD_ACTION_NOT_GRANTED', path: 'action', message: `granted: ${principal.actions.join(', ')}` },
    ]);
  if (!principal.purposes.includes(purpose))
    throw new CredenceError('CRD_PURPOSE_NOT_GRANTED', `this key is not granted the purpose "${purpose}"`, [
      { code: 'CRD_PURPOSE_NOT_GRANTED', path: 'purpose', message: `granted: ${principal.purposes.join(', ')}` },
    ]);
}

/** Normalises and checks an identifier; returns the problem instead of throwing. */
export function checkSubjectRef(
  ctx: ServiceContext,
  subject: SubjectRef,
  path: string | (() => string),
): SubjectRef | ProblemDetail {
  const at = () => (typeof path === 'string' ? path : path());
  const scheme = ctx.policy.identifier_schemes.get(subject.scheme);
  if (scheme === undefined)
    return {
      code: 'CRD_UNKNOWN_SCHEME',
      path: `${at()}.scheme`,
      message: `unknown identifier scheme "${subject.scheme}"`,
    };
  const id = normalizeIdentifier(scheme, subject.id);
  const problems = validateIdentifier(scheme, id, '');
  return problems.length === 0 ? { scheme: scheme.id, id } : { ...problems[0]!, path: `${at()}.id` };
}

/** Decisions read afresh for subjects whose index entry was stale, by identifierKey. */
type Afresh = ReadonlyMap<string, DecisionTemplate>;
const NONE_AFRESH: Afresh = new Map();

/**
 * The in-process core of a batch: a decision per subject, and the batch to log, without
 * waiting for the log. `npm run bench` measures this as batch checks per second. A subject whose
 * index entry is stale at `now` and not in `afresh` is returned in `stale` (and left out of the
 * results and the batch): the caller reads it afresh and checks again.
 */
export function checkSubjects(
  rt: Runtime,
  principal: Principal,
  action: string,
  purpose: string,
  subjects: readonly SubjectRef[],
  now: Date,
  afresh: Afresh = NONE_AFRESH,
): { results: BatchResult[]; batch: DecisionBatch; stale: SubjectRef[] } {
  const index = rt.index;
  const decide = index.decider(action);
  const at = now.toISOString();
  // One new id per batch; each decision is that id and its position, unique and cheap.
  const batchId = rt.newId();
  const results: BatchResult[] = new Array(subjects.length);
  const decisions: DecisionView[] = [];
  const stale: SubjectRef[] = [];
  for (let i = 0; i < subjects.length; i += 1) {
    const ref = checkSubjectRef(rt, subjects[i]!, () => `subjects[${i}]`);
    if ('code' in ref) {
      results[i] = { subject: subjects[i]!, error: ref };
      continue;
    }
    const code = index.freshCode(ref.scheme, ref.id, now);
    // Fa Shi [2015] 17 art. 3 para. 2: a subject bound through a related organisation is decided on its own.
    const template =
      code === STALE
        ? afresh.get(identifierKey(ref.scheme, ref.id))
        : code < RELATED_BIT
          ? decide(code)
          : index.decideRelated(ref.scheme, ref.id, action, code);
    if (template === undefined) {
      stale.push(ref);
      continue;
    }
    const id = subjects.length === 1 ? batchId : `${batchId}.${i}`;
    // Always the same shape; the log opens the review task when it flushes this decision.
    const decision: DecisionView = {
      decision_id: id,
      subject: ref,
      action,
      purpose,
      outcome: template.outcome,
      measures: template.measureViews,
      reasons: template.reasons,
      policy_version: template.policy_version,
      evaluated_at: at,
      review_id: template.outcome === 'review' ? id : undefined,
    };
    results[i] = decision;
    decisions.push(decision);
  }
  return {
    results,
    batch: { at: now, principal_id: principal.id, action, purpose, decisions },
    stale,
  };
}

/**
 * checkSubjects, reading afresh from the database the subjects whose index entry is stale (none, almost always:
 * then the index alone answers). Checks again until none is left out (the index may move meanwhile).
 */
async function checkAll(
  rt: Runtime,
  principal: Principal,
  request: { subjects: readonly SubjectRef[]; action: string; purpose: string },
  now: Date,
): Promise<{ results: BatchResult[]; batch: DecisionBatch }> {
  const { subjects, action, purpose } = request;
  let checked = checkSubjects(rt, principal, action, purpose, subjects, now);
  const afresh = new Map<string, DecisionTemplate>();
  while (checked.stale.length > 0) {
    for (const [key, template] of await decideAfresh(rt, checked.stale, action, now)) afresh.set(key, template);
    checked = checkSubjects(rt, principal, action, purpose, subjects, now, afresh);
  }
  return checked;
}

/** One decision; the inquiry is committed before it returns. */
export async function decide(
  rt: Runtime,
  principal: Principal,
  request: { subject: SubjectRef; action: string; purpose: string },
): Promise<DecisionView> {
  checkGrant(rt, principal, request.action, request.purpose);
  const { results, batch } = await checkAll(rt, principal, { ...request, subjects: [request.subject] }, rt.clock());
  const result = results[0]!;
  if ('error' in result)
    throw new CredenceError(result.error.code, result.error.message, [
      { ...result.error, path: result.error.path.replace('subjects[0]', 'subject') },
    ]);
  await rt.log.appendDecisions(batch);
  return result;
}

/** Many subjects, one action and purpose; results in request order, invalid identifiers answered in place. */
export async function decideBatch(
  rt: Runtime,
  principal: Principal,
  request: { subjects: readonly SubjectRef[]; action: string; purpose: string },
): Promise<{ results: BatchResult[] }> {
  checkGrant(rt, principal, request.action, request.purpose);
  const { results, batch } = await checkAll(rt, principal, request, rt.clock());
  await rt.log.appendDecisions(batch);
  return { results };
}
