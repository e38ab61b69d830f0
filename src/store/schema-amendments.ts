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
  /** Null (since migration 027) on a relationship's revocation. */
  record_id: string | null;
  record_type: string | null;
  /** `filed` (migration 029): a court's exemption lifting an organisation's measures for a related person. */
  change: 'corrected' | 'revoked' | 'repaired' | 'relationship_revoked' | 'filed';
  reason: string;
  ground: string | null;
  policy_version: string;
  delivery_status: 'pending' | 'delivered' | 'failed' | null;
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  /**
   * Migration 027: on an amendment about a person bound through an organisation whose record changed, the
   * organisation and the relationships that bound them (inserted as JSON text); null on the record's own subject's.
   */
  related: ColumnType<AmendmentRelated | null, string | null | undefined, never>;
}

/** How the person an amendment is about is tied to the organisation whose record changed. */
export interface AmendmentRelated {
  readonly organization: { readonly scheme: string; readonly id: string; readonly name: string };
  readonly relationships: readonly { readonly relationship_id: string; readonly role: string }[];
}
