/**
 * Credit commitments (信用承诺). NDRC Order No. 36 (2025): a subject applying for credit repair must have publicly
 * made a credit commitment; Guo Ban Fa [2019] 35 (1): the keeping of a written commitment goes into the credit
 * record and a breach is sanctioned (the `commitment.breach` record type). Pure.
 */

import type { NoticeDraft } from './notice.ts';
import type { Policy } from './policy.ts';
import { textFault } from './text.ts';

/** The longest commitment, in characters: a letter of commitment, not a file. */
export const MAX_COMMITMENT_LENGTH = 2000;

/** What a repair checks a commitment against. */
export interface CommitmentTerms {
  readonly scope_record_id: string | null;
  readonly made_at: Date;
}

/** Why `text` cannot be a commitment, or null: it must say something, within the limit, as storable text. */
export function commitmentTextProblem(text: string): string | null {
  if (text.trim() === '') return 'the commitment is empty: write what you commit to';
  if ([...text].length > MAX_COMMITMENT_LENGTH)
    return `the commitment has more than ${MAX_COMMITMENT_LENGTH} characters`;
  const fault = textFault(text);
  return fault === null ? null : `the commitment ${fault}`;
}

/**
 * Whether `commitment` supports an application to repair the record `recordId`, decided at `decidedAt`: a
 * commitment made for that record, or one for no record in particular, made on or after the decision. A commitment
 * made before the dishonest conduct was found is not the commitment Order No. 36 asks for after it.
 */
export function commitmentCovers(commitment: CommitmentTerms, recordId: string, decidedAt: Date): boolean {
  const scoped = commitment.scope_record_id === null || commitment.scope_record_id === recordId;
  return scoped && commitment.made_at >= decidedAt;
}

/** What a notice of a commitment an operator filed names: the subject, the written commitment, the record it is for. */
export interface FiledCommitment {
  readonly subject_id: string;
  readonly document_ref: string;
  /** The record the commitment is for, and its type; null: the subject's conduct at large. */
  readonly record: { readonly id: string; readonly type: string } | null;
}

/** What a commitment notice cites where the policy names no basis for commitments. */
const COMMITMENT_LEGAL_BASIS = 'NDRC Order No. 36 (2025); Guo Ban Fa [2019] 35 (1)';

/**
 * Told when the registry's operator files a commitment for the subject from their written commitment (信用承诺书): it
 * is public in their name and a repair may rest on it, so they learn of it even though they did not type it in.
 */
export function commitmentFiledNotice(policy: Policy, commitment: FiledCommitment): NoticeDraft {
  return {
    policy,
    kind: 'commitment.filed',
    subject_id: commitment.subject_id,
    agency_id: null,
    record_id: commitment.record?.id ?? null,
    list_id: null,
    legal_basis: policy.repair.commitment?.legal_basis.en ?? COMMITMENT_LEGAL_BASIS,
    params: {
      document_ref: commitment.document_ref,
      ...(commitment.record === null ? {} : { record_type: commitment.record.type }),
    },
    consequences: [],
    dispute_by: null,
  };
}
