/** Kysely's view of the amendments table (migrations/2026-12-02-016-amendments.ts). */

import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from './schema-columns.ts';

/** A nullable timestamptz: read as a Date or null. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface AmendmentsTable {
  /** bigserial: arrives from `pg` as a string. */
  id: Generated<string>;
  principal_id: string;
  subject_id: string;
  subject_scheme: string;
  subject_value: string;
  at: Timestamp;
  action: string;
  old_outcome: string;
  new_outcome: string;
  decision_ids: string[];
  decision_count: number;
  first_decided_at: Timestamp;
  last_decided_at: Timestamp;
  record_id: string;
  record_type: string;
  change: 'corrected' | 'revoked' | 'repaired';
  reason: string;
  ground: string | null;
  policy_version: string;
  delivery_status: 'pending' | 'delivered' | 'failed' | null;
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_error: string | null;
  delivered_at: NullableTimestamp;
}
