/**
 * Credit commitments (NDRC Order No. 36 (2025); Guo Ban Fa [2019] 35 (1)). A subject makes a commitment in their own
 * words, for one of their records or for their conduct at large; it is public (the subject makes it so by the act:
 * 公开作出信用承诺), and a repair application needs one. The subject makes it with their own key or in the portal; an
 * operator may file it for them only from their written commitment (信用承诺书), whose reference it gives, as an
 * operator files a repair application for a subject without a key. Reading commitments is logged like any read.
 */

import { commitmentFiledNotice, commitmentTextProblem } from '../../domain/commitment.ts';
import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { getCommitmentsOfSubjects, type CommitmentRow } from '../../store/commitments.repository.ts';
import type { Executor } from '../../store/executor.ts';
import { lockLedgerHead } from '../../store/ledger.repository.ts';
import { getRecordById } from '../../store/records.repository.ts';
import { getSubjectByIdentifier, type SubjectRow } from '../../store/subjects.repository.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { checkSubjectRef, type SubjectRef } from '../decisions/decisions.service.ts';
import { subjectIdOf } from './access.service.ts';
import { commitChanges } from './events.service.ts';
import { logInquiries } from './inquiries.service.ts';

export interface CommitmentInput {
  readonly text: string;
  /** The record the commitment is made for (e.g. the one to repair); absent: the subject's conduct at large. */
  readonly record_id?: string;
  /** The subject's written commitment an operator files for them; required of an operator. */
  readonly document_ref?: string;
}

export interface CommitmentView {
  readonly commitment_id: string;
  readonly text: string;
  readonly record_id: string | null;
  readonly document_ref: string | null;
  readonly made_at: Date;
}

/** A commitment as the API and the pages show it: without who typed it in (the subject or an operator's key). */
export function commitmentView(row: CommitmentRow): CommitmentView {
  return {
    commitment_id: row.id,
    text: row.text,
    record_id: row.scope_record_id,
    document_ref: row.document_ref,
    made_at: row.made_at,
  };
}

/** POST /v1/subjects/{scheme}/{id}/commitments and the portal's form: the subject (or an operator for them). */
export async function makeCommitment(
  ctx: ServiceContext,
  principal: Principal,
  requested: SubjectRef,
  input: CommitmentInput,
): Promise<CommitmentView> {
  const problem = commitmentTextProblem(input.text);
  if (problem !== null)
    throw new CredenceError('CRD_VALIDATION', problem, [{ code: 'CRD_VALIDATION', path: 'text', message: problem }]);
  if (principal.role === 'operator' && input.document_ref === undefined) {
    const message = "an operator files a commitment only from the subject's written commitment: give its document_ref";
    throw new CredenceError('CRD_VALIDATION', message, [{ code: 'CRD_VALIDATION', path: 'document_ref', message }]);
  }
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    await lockLedgerHead(trx);
    const subject = await subjectActedFor(trx, ctx, principal, requested, 'make commitments');
    const scope = input.record_id ?? null;
    const scoped = scope === null ? undefined : await getRecordById(trx, scope);
    if (scope !== null && scoped?.subject_id !== subject.id)
      throw new CredenceError('CRD_NOT_FOUND', `no record ${scope} of this subject`, [
        { code: 'CRD_NOT_FOUND', path: 'record_id', message: `no record ${scope} of this subject` },
      ]);
    const commitment = {
      subject_id: subject.id,
      id: ctx.newId(),
      text: input.text,
      scope_record_id: scope,
      made_by: principal.id,
      document_ref: input.document_ref ?? null,
      made_at: now.toISOString(),
    };
    await commitChanges(trx, ctx.policy, now, [
      {
        subject_id: subject.id,
        events: [{ type: 'commitment.made', payload: { commitment } }],
        // Made in the subject's name by someone else's hand: they are told (the subject's own needs no notice).
        ...(principal.role === 'operator'
          ? {
              notices: () => [
                commitmentFiledNotice(ctx.policy, {
                  subject_id: subject.id,
                  document_ref: input.document_ref!,
                  record: scoped === undefined ? null : { id: scoped.id, type: scoped.type },
                }),
              ],
            }
          : {}),
      },
    ]);
    return commitmentView({ ...commitment, made_at: now });
  });
}

/**
 * GET /v1/subjects/{scheme}/{id}/commitments: the subject's own, or any subject's for an operator, an auditor or
 * an agency (which files a breach naming one). Oldest first; the read is logged as an inquiry.
 */
export async function listCommitments(
  ctx: ServiceContext,
  principal: Principal,
  requested: SubjectRef,
): Promise<{ commitments: CommitmentView[] }> {
  const subject = await subjectActedFor(ctx.db, ctx, principal, requested, 'read commitments');
  await logInquiries(ctx, principal, [subject.id], 'commitments');
  return { commitments: (await getCommitmentsOfSubjects(ctx.db, [subject.id])).map(commitmentView) };
}

/** The subject `requested` names, if `principal` may act on it: a subject key only on its own subject. */
async function subjectActedFor(
  db: Executor,
  ctx: ServiceContext,
  principal: Principal,
  requested: SubjectRef,
  what: string,
): Promise<SubjectRow> {
  const ref = checkSubjectRef(ctx, requested, 'subject');
  if ('code' in ref) throw new CredenceError(ref.code, ref.message, [ref]);
  const subject = await getSubjectByIdentifier(db, ref.scheme, ref.id);
  if (principal.role === 'subject' && (subject === undefined || (await subjectIdOf(db, principal)) !== subject.id))
    throw new CredenceError('CRD_FORBIDDEN', `a subject key may ${what} only for its own subject`);
  if (subject === undefined)
    throw new CredenceError('CRD_SUBJECT_NOT_FOUND', `no subject ${ref.scheme}:${ref.id} in the registry`);
  return subject;
}
