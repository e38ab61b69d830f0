/**
 * Disputes (FCRA § 611): the subject, or an operator on their behalf, objects to a record; the
 * filing agency must answer by a deadline set by the record type (default 30 days). While
 * open, the record is `disputed` (keeps counting) or `suspended` (stops), as the type says; an
 * answer overdue suspends it until resolved. One unresolved dispute per record at a time.
 */

import type { Transaction } from 'kysely';
import { disputeDueAt, isOverdue, statusWhileDisputed, type DisputeStatus } from '../../domain/dispute.ts';
import { disputeOpenedNotice, disputeOverdueNotice } from '../../domain/due-process-notices.ts';
import type { Policy } from '../../domain/policy.ts';
import type { Principal } from '../../domain/principal.ts';
import { decodeCursor, encodeCursor } from '../../domain/keyset-cursor.ts';
import { CredenceError } from '../../errors.ts';
import {
  getDisputeById,
  getDisputeForUpdate,
  getDueOpenDisputes,
  listDisputes as selectDisputes,
  type DisputeRow,
} from '../../store/disputes.repository.ts';
import type { Executor } from '../../store/executor.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import { getRecordById } from '../../store/records.repository.ts';
import type { DB } from '../../store/schema.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import {
  actsForSubject,
  lockSubjectRecord,
  refuseWhileDisputed,
  requireStatus,
  subjectIdOf,
} from './access.service.ts';
import { commitChanges, type SubjectChange } from './events.service.ts';
import { logInquiries } from './inquiries.service.ts';

export interface DisputeView {
  readonly dispute_id: string;
  readonly record_id: string;
  readonly subject_id: string;
  readonly agency_id: string;
  readonly statement: string;
  readonly status: DisputeStatus;
  /** Past its deadline, whether or not the scheduler has marked it yet. */
  readonly overdue: boolean;
  readonly opened_at: Date;
  readonly due_at: Date;
  readonly overdue_at: Date | null;
  readonly resolved_at: Date | null;
  readonly outcome: DisputeRow['outcome'];
  readonly resolution_reason: string | null;
  readonly subject_statement: string | null;
  readonly subject_statement_at: Date | null;
}

export function disputeView(row: DisputeRow, now: Date): DisputeView {
  const { id, opened_by: _o, resolved_by: _r, ...rest } = row;
  return { dispute_id: id, ...rest, overdue: isOverdue(row, now) };
}

export function disputeNotFound(id: string): CredenceError {
  return new CredenceError('CRD_NOT_FOUND', `no dispute ${id}`);
}

/** POST /v1/records/{id}/disputes. */
export async function openDispute(ctx: ServiceContext, principal: Principal, recordId: string, statement: string) {
  const { policy } = ctx;
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const record = await lockSubjectRecord(trx, principal, recordId);
    await refuseWhileDisputed(trx, record, 'one dispute per record at a time');
    requireStatus(record, ['active'], 'only a record in force can be disputed');
    const type = policy.record_types.get(record.type);
    const recordStatus = statusWhileDisputed(type);
    const dispute = {
      subject_id: record.subject_id,
      id: ctx.newId(),
      record_id: record.id,
      agency_id: record.agency_id,
      opened_by: principal.id,
      statement,
      opened_at: now.toISOString(),
      due_at: disputeDueAt(type, now).toISOString(),
    };
    const disputed = { ...record, status: recordStatus };
    await commitChanges(trx, policy, now, [
      {
        subject_id: record.subject_id,
        events: [{ type: 'dispute.opened', payload: { dispute, record_status: recordStatus } }],
        notices: (evaluation) => [
          disputeOpenedNotice(policy, disputed, evaluation, { id: dispute.id, due_at: new Date(dispute.due_at) }),
        ],
      },
    ]);
    return {
      dispute_id: dispute.id,
      status: 'open' as const,
      due_at: new Date(dispute.due_at),
      record_id: record.id,
      record_status: recordStatus,
    };
  });
}

export interface DisputeQuery {
  /** `open` means unresolved (open or overdue), each flagged `overdue`. */
  readonly status: 'open' | 'overdue' | 'resolved';
  readonly limit: number;
  /** A cursor from an earlier answer's `next`: the disputes after it. */
  readonly after?: string | undefined;
}

const STATUSES: Record<DisputeQuery['status'], DisputeStatus[]> = {
  open: ['open', 'overdue'],
  overdue: ['overdue'],
  resolved: ['resolved'],
};

/** Whose disputes a principal sees: an agency its own records', a subject their own; operators and auditors all. */
async function scopeOf(
  db: Executor,
  principal: Principal,
): Promise<{ agency_id?: string; subject_id?: string } | null> {
  if (principal.role === 'agency') return { agency_id: principal.agency_id! };
  if (principal.role === 'subject') {
    const subjectId = await subjectIdOf(db, principal);
    return subjectId === null ? null : { subject_id: subjectId };
  }
  return {};
}

/**
 * GET /v1/disputes: unresolved ones oldest deadline first, `limit` at a time from the cursor `after` (keyset; `next`
 * is the cursor for the following ones, null at the end). Reading statements is logged as inquiries.
 */
export async function listDisputes(
  ctx: ServiceContext,
  principal: Principal,
  query: DisputeQuery,
): Promise<{ disputes: DisputeView[]; next: string | null }> {
  const from = query.after === undefined ? null : disputeCursor(query.after);
  const scope = await scopeOf(ctx.db, principal);
  if (scope === null) return { disputes: [], next: null };
  const now = ctx.clock();
  // "overdue" includes disputes past their deadline that the scheduler has not marked yet.
  const statuses = query.status === 'overdue' ? (['open', 'overdue'] as DisputeStatus[]) : STATUSES[query.status];
  const read = await selectDisputes(ctx.db, { ...scope, statuses, from, limit: query.limit + 1 });
  const last = read.length > query.limit ? read[query.limit - 1] : undefined;
  const rows = read.slice(0, query.limit).filter((r) => query.status !== 'overdue' || isOverdue(r, now));
  await logInquiries(
    ctx,
    principal,
    rows.map((r) => r.subject_id),
    'disputes',
  );
  const at = last === undefined ? null : query.status === 'resolved' ? last.resolved_at : last.due_at;
  const next =
    last === undefined || at === null
      ? null
      : encodeCursor({ direction: 'after', page: 2, key: [at.toISOString(), last.id] });
  return { disputes: rows.map((r) => disputeView(r, now)), next };
}

/** The place a `next` cursor marks; CRD_VALIDATION if it is not one. */
function disputeCursor(text: string): { at: Date; id: string } {
  const cursor = decodeCursor(text, 'querystring.after', 2);
  const [at, id] = cursor.key as [string, string];
  const instant = new Date(at);
  if (cursor.direction === 'after' && !Number.isNaN(instant.getTime()) && id.length <= 64) return { at: instant, id };
  const message = 'after must be the next cursor of an earlier answer';
  throw new CredenceError('CRD_VALIDATION', message, [{ code: 'CRD_VALIDATION', path: 'querystring.after', message }]);
}

/** GET /v1/disputes/{id}, for the filing agency, the subject, operators and auditors. */
export async function readDispute(ctx: ServiceContext, principal: Principal, id: string): Promise<DisputeView> {
  const row = await getDisputeById(ctx.db, id);
  const visible =
    row !== undefined &&
    (principal.role === 'auditor' ||
      (principal.role === 'agency'
        ? row.agency_id === principal.agency_id
        : await actsForSubject(ctx.db, principal, row.subject_id)));
  if (!visible) throw disputeNotFound(id);
  await logInquiries(ctx, principal, [row.subject_id], `dispute ${id}`);
  return disputeView(row, ctx.clock());
}

/**
 * POST /v1/disputes/{id}/statement: after a dispute is upheld, the subject's own statement is
 * shown with the record in every report (FCRA § 611(b)-(c)). A later statement by the subject
 * replaces it; no one else (not an operator) may write it.
 */
export async function addDisputeStatement(
  ctx: ServiceContext,
  principal: Principal,
  id: string,
  statement: string,
): Promise<DisputeView> {
  // The statement is the subject's own words: an operator acting for them may not write or overwrite it.
  if (principal.role !== 'subject')
    throw new CredenceError('CRD_FORBIDDEN', "a dispute statement is the subject's own: only the subject may write it");
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const dispute = await getDisputeForUpdate(trx, id);
    if (dispute === undefined || !(await actsForSubject(trx, principal, dispute.subject_id))) throw disputeNotFound(id);
    if (dispute.outcome !== 'upheld')
      throw new CredenceError(
        'CRD_DISPUTE_NOT_UPHELD',
        `dispute ${id} is ${dispute.outcome ?? dispute.status}: ` +
          'a statement is attached to a record only after a dispute is upheld',
      );
    await commitChanges(trx, ctx.policy, now, [
      {
        subject_id: dispute.subject_id,
        events: [
          {
            type: 'dispute.statement_added',
            payload: { dispute_id: id, record_id: dispute.record_id, statement, principal_id: principal.id },
          },
        ],
      },
    ]);
    return disputeView({ ...dispute, subject_statement: statement, subject_statement_at: now }, now);
  });
}

const OVERDUE_PAGE = 1000;

/**
 * Marks open disputes past their deadline overdue and suspends their records until resolved
 * (FCRA § 611(a)(5)(A): information not verified in time is deleted; here it stops counting).
 * Each is a ledger event, a re-evaluation and a notice. Returns how many were marked.
 */
export async function markOverdueDisputes(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock();
  let total = 0;
  for (;;) {
    const count = await writeTransaction(ctx, (trx) => markOverduePage(trx, ctx.policy, now));
    total += count;
    if (count < OVERDUE_PAGE) return total;
  }
}

/** Marks one page of overdue disputes in the caller's transaction; returns how many. */
async function markOverduePage(trx: Transaction<DB>, policy: Policy, now: Date): Promise<number> {
  await lockLedgerHead(trx);
  const due = await getDueOpenDisputes(trx, now, OVERDUE_PAGE);
  const changes: SubjectChange[] = [];
  for (const dispute of due) {
    const record = (await getRecordById(trx, dispute.record_id))!;
    const recordStatus = record.status === 'disputed' ? ('suspended' as const) : null;
    const suspended = { ...record, status: recordStatus ?? record.status };
    changes.push({
      subject_id: dispute.subject_id,
      events: [
        {
          type: 'dispute.overdue',
          payload: {
            dispute_id: dispute.id,
            record_id: record.id,
            due_at: dispute.due_at.toISOString(),
            record_status: recordStatus,
          },
        },
      ],
      notices: (evaluation) => [
        disputeOverdueNotice(policy, suspended, evaluation, { id: dispute.id, due_at: dispute.due_at }),
      ],
    });
  }
  if (changes.length > 0) await commitChanges(trx, policy, now, changes);
  return changes.length;
}
