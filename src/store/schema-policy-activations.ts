/** Kysely's view of policy activations (migrations/2026-12-02-024-policy-activations.ts). */

import type { Generated } from 'kysely';
import type { Timestamp } from './schema-columns.ts';

export type ActivationStatus = 'scheduled' | 'running' | 'completed';

/** One policy activation: a background rescoring of every subject, resumable from `cursor`. */
export interface PolicyActivationsTable {
  id: string;
  /** The order activations were scheduled in (bigint as text). */
  seq: Generated<string>;
  digest: string;
  previous_digest: string | null;
  version: string;
  reason: string;
  requested_by: string;
  requested_at: Timestamp;
  starts_at: Timestamp;
  status: ActivationStatus;
  /** The last subject id rescored (bigint as text); null before the first page. */
  cursor: string | null;
  subjects_done: string;
  subjects_total: string;
  started_at: Timestamp | null;
  progressed_at: Timestamp | null;
  completed_at: Timestamp | null;
}
