/** A credit record as evaluation sees it. Pure data; the store maps rows to this shape. */

import type { SubjectKind } from './policy.ts';

export type RecordStatus = 'active' | 'disputed' | 'suspended' | 'corrected' | 'revoked' | 'repaired' | 'expired';

export interface CreditRecord {
  readonly id: string;
  readonly subject_id: string;
  readonly agency_id: string;
  readonly type: string;
  readonly source_ref: string;
  readonly decided_at: Date;
  readonly effective_at: Date;
  /** As filed by the agency; the policy may end the record earlier (see `recordWindow`). */
  readonly expires_at: Date | null;
  /** When Credence accepted the record: notice periods run from here. */
  readonly filed_at: Date;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly summary: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly status: RecordStatus;
}

export interface SubjectFile {
  readonly kind: SubjectKind;
  readonly records: readonly CreditRecord[];
}
