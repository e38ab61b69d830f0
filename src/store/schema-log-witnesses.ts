/** Kysely's view of the log's witness tables (migrations/2026-12-02-011-log-witnesses.ts). */

import type { Generated } from 'kysely';
import type { Timestamp } from './schema-columns.ts';

/** A witness the log submits to, and what the log knows of it. */
export interface LogWitnessesTable {
  verifier_key: string;
  url: string;
  active: boolean;
  cosigned_size: string | null;
  known_size: string | null;
  failures: Generated<number>;
  failing_since: Timestamp | null;
  next_attempt_at: Timestamp | null;
  last_error: string | null;
}

/** A verified cosignature line of one witness on one checkpoint. */
export interface LogCosignaturesTable {
  size: string;
  verifier_key: string;
  line: string;
}

/** The one row: the quorum of cosignatures a published checkpoint needs. */
export interface LogPublicationTable {
  id: boolean;
  quorum: number;
}
