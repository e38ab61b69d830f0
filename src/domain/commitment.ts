/**
 * Credit commitments (信用承诺). NDRC Order No. 36 (2025): a subject applying for credit repair must have publicly
 * made a credit commitment; Guo Ban Fa [2019] 35 (1): the keeping of a written commitment goes into the credit
 * record and a breach is sanctioned (the `commitment.breach` record type). Pure.
 */

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
