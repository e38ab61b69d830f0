/** Kysely's view of the tables behind sign-in and the consoles: staff, sessions, OpenID Connect sign-ins, uploads. */

import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from './schema-columns.ts';

export interface StaffAccountsTable {
  id: string;
  username: string;
  role: 'operator' | 'agency';
  agency_id: string | null;
  password_hash: string;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}

export interface StaffSessionsTable {
  id_hash: string;
  staff_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface StaffSignInThrottleTable {
  username: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface SubjectSessionsTable {
  id_hash: string;
  subject_scheme: string;
  subject_value: string;
  via: 'oidc' | 'demo';
  provider_subject: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface OidcSignInsTable {
  state_hash: string;
  code_verifier: string;
  nonce: string;
  next: string | null;
  created_at: Timestamp;
}

export interface ImportsTable {
  id: string;
  agency_id: string;
  staff_id: string;
  file_name: string;
  format: 'ndjson' | 'csv';
  status: 'pending' | 'running' | 'done' | 'failed';
  bytes: ColumnType<number, number | undefined, number>;
  lines: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  duplicate: ColumnType<number, number | undefined, number>;
  rejected: ColumnType<number, number | undefined, number>;
  error_code: string | null;
  error_message: string | null;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ImportRejectsTable {
  import_id: string;
  seq: number;
  line: number;
  source_ref: string | null;
  errors: Json<unknown>;
  input: Json<unknown>;
}
