/**
 * Human review. A decision whose outcome is `review` opens a task for the principal that asked
 * (the inquiry log writes it with the decision's inquiry). That relying service lists its open
 * tasks and closes each once with its human decision, which is logged as a decision inquiry
 * about the subject and a `review.closed` ledger event.
 *
 * DESIGN ("no sanction from a score alone"): Credence never denies from a grade; a review only
 * hands the case to a person. A person may deny or restrict after review only where law allows
 * it, so those outcomes must cite the legal basis the reviewer relies on, and every outcome
 * records the reviewer and their reason (GDPR Art. 22(3): the right to human intervention and
 * to contest the decision; FCRA § 615: an adverse action taken on a report is the user's own,
 * and the user must tell the consumer). The subject sees the human decision in their inquiries.
 */

import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import {
  closeReviewTask,
  getReviewTask,
  getReviewTasks,
  insertInquiry,
  type StoredReviewTask,
} from '../../store/reviews.repository.ts';
import { logInquiries } from '../due-process/inquiries.service.ts';
import { appendEvents } from '../ledger/ledger.service.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';

/** What a reviewer may decide. Sanctions after review are the relying service's own, under its own law. */
export const HUMAN_OUTCOMES = ['allow', 'restrict', 'deny'] as const;
export type HumanOutcome = (typeof HUMAN_OUTCOMES)[number];
const NEEDS_LEGAL_BASIS: readonly HumanOutcome[] = ['restrict', 'deny'];

export const MAX_REVIEWS_PER_PAGE = 500;

export interface HumanDecision {
  readonly outcome: HumanOutcome;
  readonly reason: string;
  readonly reviewer: string;
  readonly legal_basis?: string | undefined;
}

export interface ReviewView {
  readonly review_id: string;
  readonly status: 'open' | 'closed';
  readonly subject: { readonly scheme: string; readonly id: string };
  readonly action: string;
  readonly purpose: string;
  readonly policy_version: string;
  readonly asked_by: string;
  /** The measures that asked for review, and the reasons given with the decision. */
  readonly measures: readonly unknown[];
  readonly reasons: readonly string[];
  readonly opened_at: Date;
  readonly closed: null | {
    readonly at: Date;
    readonly by: string;
    readonly outcome: string;
    readonly reason: string;
    readonly reviewer: string;
    readonly legal_basis: string | null;
    readonly inquiry_id: string;
  };
}

function viewOf(task: StoredReviewTask): ReviewView {
  return {
    review_id: task.id,
    status: task.status,
    subject: { scheme: task.subject_scheme, id: task.subject_value },
    action: task.action,
    purpose: task.purpose,
    policy_version: task.policy_version,
    asked_by: task.principal_id,
    measures: task.measures,
    reasons: task.reasons,
    opened_at: task.opened_at,
    closed:
      task.status === 'open'
        ? null
        : {
            at: task.closed_at!,
            by: task.closed_by!,
            outcome: task.outcome!,
            reason: task.reason!,
            reviewer: task.reviewer!,
            legal_basis: task.legal_basis,
            inquiry_id: task.inquiry_id!,
          },
  };
}

/** Operators and auditors see every task; a relying service only those its own decisions opened. */
function sees(principal: Principal, task: StoredReviewTask): boolean {
  return principal.role === 'operator' || principal.role === 'auditor' || task.principal_id === principal.id;
}

/** Another service's task is not found, not forbidden: its existence is itself personal data. */
const notFound = (id: string) => new CredenceError('CRD_REVIEW_NOT_FOUND', `no review task ${id}`);

/** Reading a task reads the subject's file: each one shown is logged as an inquiry about them. */
async function logReads(ctx: ServiceContext, principal: Principal, tasks: readonly StoredReviewTask[]): Promise<void> {
  await Promise.all(
    tasks.map((task) =>
      logInquiries(
        ctx,
        principal,
        { identifiers: [{ scheme: task.subject_scheme, id: task.subject_value }] },
        `review ${task.id}`,
        { kind: 'report', action: task.action, policyVersion: task.policy_version },
      ),
    ),
  );
}

/** Review tasks oldest first, a page at a time; `next` is the cursor for the following page. */
export async function listReviews(
  ctx: ServiceContext,
  principal: Principal,
  query: { status: 'open' | 'closed'; after?: string | undefined; limit?: number | undefined },
): Promise<{ reviews: ReviewView[]; next: string | null }> {
  const limit = Math.min(query.limit ?? 100, MAX_REVIEWS_PER_PAGE);
  const mine = principal.role === 'operator' || principal.role === 'auditor' ? null : principal.id;
  const tasks = await getReviewTasks(ctx.db, {
    status: query.status,
    principalId: mine,
    after: query.after ?? null,
    limit,
  });
  await logReads(ctx, principal, tasks);
  return { reviews: tasks.map(viewOf), next: tasks.length === limit ? tasks[tasks.length - 1]!.id : null };
}

export async function getReview(ctx: ServiceContext, principal: Principal, id: string): Promise<ReviewView> {
  const task = await getReviewTask(ctx.db, id);
  if (task === undefined || !sees(principal, task)) throw notFound(id);
  await logReads(ctx, principal, [task]);
  return viewOf(task);
}

function checkHumanDecision(decision: HumanDecision): void {
  if (NEEDS_LEGAL_BASIS.includes(decision.outcome) && (decision.legal_basis ?? '').trim() === '') {
    throw new CredenceError(
      'CRD_VALIDATION',
      `a human "${decision.outcome}" after review must cite the law that allows it`,
      [
        {
          code: 'CRD_VALIDATION',
          path: 'legal_basis',
          message:
            'required when the outcome is restrict or deny: ' +
            'Credence never sanctions from a grade, so the reviewer answers for the sanction',
        },
      ],
    );
  }
}

/**
 * Closes a task once with the human decision: only the principal whose decision opened it, or
 * an operator. In one transaction: the task, a decision inquiry about the subject (a fresh id,
 * the original purpose, naming the task) and a `review.closed` ledger event.
 */
export async function closeReview(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  decision: HumanDecision,
): Promise<ReviewView> {
  checkHumanDecision(decision);
  const now = ctx.clock();
  const closed = await writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx); // serialises writers: two closings of one task cannot both succeed
    const task = await getReviewTask(trx, id, { forUpdate: true });
    if (task === undefined || !(principal.role === 'operator' || task.principal_id === principal.id))
      throw notFound(id);
    if (task.status !== 'open')
      throw new CredenceError(
        'CRD_REVIEW_CLOSED',
        `review task ${id} was closed at ${task.closed_at?.toISOString() ?? 'an earlier time'} ` +
          `with "${task.outcome ?? ''}"`,
      );
    const inquiryId = ctx.newId();
    const legalBasis = decision.legal_basis?.trim() || null;
    const row = await closeReviewTask(trx, id, {
      closed_at: now,
      closed_by: principal.id,
      outcome: decision.outcome,
      reason: decision.reason,
      reviewer: decision.reviewer,
      legal_basis: legalBasis,
      inquiry_id: inquiryId,
    });
    if (row === undefined) throw new CredenceError('CRD_REVIEW_CLOSED', `review task ${id} is already closed`);
    await insertInquiry(trx, {
      subject_scheme: task.subject_scheme,
      subject_value: task.subject_value,
      at: now,
      id: inquiryId,
      kind: 'decision',
      principal_id: principal.id,
      action: task.action,
      purpose: task.purpose,
      outcome: decision.outcome,
      policy_version: task.policy_version,
      review_id: id,
    });
    // No subject_id: closing a review changes no record or projection, so replay has nothing to rebuild.
    await appendEvents(trx, now, [
      {
        type: 'review.closed',
        subject_id: null,
        payload: {
          review_id: id,
          inquiry_id: inquiryId,
          outcome: decision.outcome,
          reason: decision.reason,
          reviewer: decision.reviewer,
          legal_basis: legalBasis,
          closed_by: principal.id,
        },
      },
    ]);
    return row;
  });
  return viewOf(closed);
}
