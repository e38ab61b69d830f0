/** Kysely's view of the tables (see migrations/). bigint columns arrive from `pg` as strings. */

import type { ColumnType } from 'kysely';
import type { AgencyContact } from '../domain/agency-contact.ts';
import type { AmendmentsTable } from './schema-amendments.ts';
import type { Json, Timestamp } from './schema-columns.ts';
import type { ReadCountsTables } from './schema-counts.ts';
import type {
  ImportRejectsTable,
  ImportsTable,
  OidcSignInsTable,
  StaffAccountsTable,
  StaffSessionsTable,
  StaffSignInThrottleTable,
  SubjectSessionsTable,
} from './schema-consoles.ts';
import type { LogCheckpointsTable, LogTilesTable } from './schema-log.ts';
import type { LogCosignaturesTable, LogPublicationTable, LogWitnessesTable } from './schema-log-witnesses.ts';
import type { CommitmentsTable } from './schema-commitments.ts';
import type { PolicyActivationsTable } from './schema-policy-activations.ts';
import type { RecordNotesTable } from './schema-record-notes.ts';
import type { RelationshipsTable } from './schema-relationships.ts';

export interface LedgerTable {
  seq: string;
  at: Timestamp;
  type: string;
  subject_id: string | null;
  /** Canonical JSON text, exactly as hashed. */
  payload: string;
  prev_hash: string;
  hash: string;
  /**
   * The exact bytes of the event's Merkle leaf (domain/log/ledger-entry.ts) where they are not the encoding of the
   * columns with `salt`; null otherwise, the entry then encoded when read (migration 025, store/log.repository.ts).
   */
  entry: Buffer | null;
  /** The entry's 32 bytes of salt. */
  salt: Buffer | null;
}

export interface PoliciesTable {
  digest: string;
  id: string;
  version: string;
  document: Json<Record<string, unknown>>;
  stored_at: Timestamp;
}

export interface AgenciesTable {
  id: string;
  kind: string;
  name: string;
  created_at: Timestamp;
  /** How to reach the agency (migration 017), or null: AgencyContact. */
  contact: ColumnType<AgencyContact | null, string | null | undefined, string | null>;
}

export interface PrincipalsTable {
  id: string;
  name: string;
  role: 'operator' | 'agency' | 'relying' | 'auditor' | 'subject';
  agency_id: string | null;
  actions: string[];
  purposes: string[];
  subject_scheme: string | null;
  subject_value: string | null;
  key_hash: string;
  key_prefix: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  /** Where the principal's amendments are POSTed (migration 016); null: none. */
  webhook_url: string | null;
  /** The HMAC-SHA256 key of those deliveries (the receiver checks X-Credence-Signature with it). */
  webhook_secret: string | null;
}

export interface SubjectsTable {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  created_at: Timestamp;
}

export interface SubjectIdentifiersTable {
  scheme: string;
  value: string;
  subject_id: string;
}

export interface SubjectNamesTable {
  subject_id: string;
  name: string;
  first_seen_at: Timestamp;
  record_id: string | null;
}

export interface RecordsTable {
  subject_id: string;
  id: string;
  agency_id: string;
  source_ref: string;
  type: string;
  decided_at: Timestamp;
  effective_at: Timestamp;
  expires_at: Timestamp | null;
  filed_at: Timestamp;
  legal_basis: string;
  document_ref: string;
  summary: string | null;
  attributes: Json<Record<string, string>>;
  status: string;
  body_digest: string;
}

export interface SubjectStateTable {
  subject_id: string;
  score: number;
  grade: string;
  lists: Json<unknown[]>;
  active_lists: string[];
  next_change_at: Timestamp | null;
  evaluated_at: Timestamp;
  policy_digest: string;
  indexed: boolean;
  /** The measures binding the subject through a related organisation's listing (migration 014). */
  related: Json<unknown[]>;
}

export interface ListEntriesTable {
  list_id: string;
  subject_id: string;
  status: string;
  since: Timestamp;
  effective_from: Timestamp;
  until: Timestamp;
  record_ids: string[];
  /** What the entry rests on (migration 023): the subject's kind, its records' types, the newest decision. */
  subject_kind: string | null;
  record_types: string[] | null;
  newest_decided_at: Timestamp | null;
}

export interface InquiriesTable {
  subject_scheme: string;
  subject_value: string;
  at: Timestamp;
  id: string;
  kind: 'decision' | 'report' | 'record';
  principal_id: string;
  action: string | null;
  purpose: string | null;
  outcome: string | null;
  policy_version: string | null;
  review_id?: string | null;
}

export interface NoticesTable {
  subject_id: string;
  id: string;
  at: Timestamp;
  kind: string;
  agency_id: string | null;
  record_id: string | null;
  list_id: string | null;
  /** Null on a notice written since 021 whose legal basis is its policy's (domain/notice-storage.ts). */
  legal_basis: string | null;
  /** The English text of a notice written before 013; null for notices stored as a kind and parameters. */
  what: string | null;
  /** `json` since 021; short keys on notices written since (domain/notice-storage.ts). */
  params: Json<Record<string, unknown>> | null;
  /** Rendered consequences of a notice written before 021; since, null (see `measures`). */
  consequences: Json<unknown[]> | null;
  how_to_dispute: string | null;
  dispute_by: Timestamp | null;
  delivery_status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  delivered_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  /** Since 021: the policy the notice was written under (policies_ref), and its consequences by that policy. */
  policy_ref: ColumnType<string | null, string | null | undefined, string | null>;
  measures: Json<unknown[]> | null;
}

export interface RecordVersionsTable {
  subject_id: string;
  record_id: string;
  version: number;
  content: Json<Record<string, unknown>>;
  superseded_at: Timestamp;
  superseded_by: string;
  reason: string;
}

export interface DisputesTable {
  subject_id: string;
  id: string;
  record_id: string;
  agency_id: string;
  opened_by: string;
  statement: string;
  status: 'open' | 'overdue' | 'resolved';
  opened_at: Timestamp;
  due_at: Timestamp;
  overdue_at: Timestamp | null;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  outcome: 'upheld' | 'corrected' | 'revoked' | null;
  resolution_reason: string | null;
  subject_statement: string | null;
  subject_statement_at: Timestamp | null;
}

export interface RepairsTable {
  subject_id: string;
  id: string;
  record_id: string;
  agency_id: string;
  applied_by: string;
  evidence: string;
  document_ref: string | null;
  performed: boolean;
  /** Migration 015: the credit commitment the application rests on. */
  commitment_id: string | null;
  status: 'pending' | 'approved' | 'refused';
  applied_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_reason: string | null;
  /** Migration 026: when the scheduled jobs found it past its deadline undecided (`repair.overdue`). */
  overdue_at: Timestamp | null;
}

export interface DB extends ReadCountsTables {
  ledger: LedgerTable;
  policies: PoliciesTable;
  agencies: AgenciesTable;
  principals: PrincipalsTable;
  subjects: SubjectsTable;
  subject_identifiers: SubjectIdentifiersTable;
  subject_names: SubjectNamesTable;
  records: RecordsTable;
  subject_state: SubjectStateTable;
  list_entries: ListEntriesTable;
  inquiries: InquiriesTable;
  notices: NoticesTable;
  record_versions: RecordVersionsTable;
  disputes: DisputesTable;
  repairs: RepairsTable;
  commitments: CommitmentsTable;
  record_notes: RecordNotesTable;
  policy_activations: PolicyActivationsTable;
  review_tasks: ReviewTasksTable;
  staff_accounts: StaffAccountsTable;
  staff_sessions: StaffSessionsTable;
  staff_sign_in_throttle: StaffSignInThrottleTable;
  imports: ImportsTable;
  import_rejects: ImportRejectsTable;
  subject_sessions: SubjectSessionsTable;
  oidc_sign_ins: OidcSignInsTable;
  log_tiles: LogTilesTable;
  log_checkpoints: LogCheckpointsTable;
  log_witnesses: LogWitnessesTable;
  log_cosignatures: LogCosignaturesTable;
  log_publication: LogPublicationTable;
  relationships: RelationshipsTable;
  amendments: AmendmentsTable;
}

export interface ReviewTasksTable {
  subject_scheme: string;
  subject_value: string;
  id: string;
  principal_id: string;
  action: string;
  purpose: string;
  policy_version: string;
  measures: Json<unknown[]>;
  reasons: string[];
  opened_at: Timestamp;
  status: 'open' | 'closed';
  closed_at: Timestamp | null;
  closed_by: string | null;
  outcome: string | null;
  reason: string | null;
  reviewer: string | null;
  legal_basis: string | null;
  inquiry_id: string | null;
}
