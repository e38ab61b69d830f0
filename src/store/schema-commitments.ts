/** Kysely's view of the credit commitments table (migrations/2026-12-02-015-commitments.ts). */

import type { Timestamp } from './schema-columns.ts';

/** A subject's public credit commitment (NDRC Order No. 36 (2025)). */
export interface CommitmentsTable {
  subject_id: string;
  id: string;
  text: string;
  /** The record the commitment is made for, or null for a commitment about the subject's conduct at large. */
  scope_record_id: string | null;
  made_by: string;
  document_ref: string | null;
  made_at: Timestamp;
}
