/** Kysely's view of the relationships table (migration 014): a person's role in an organisation. */

import type { Timestamp } from './schema-columns.ts';

export interface RelationshipsTable {
  person_id: string;
  id: string;
  organization_id: string;
  agency_id: string;
  source_ref: string;
  role: string;
  valid_from: Timestamp;
  valid_until: Timestamp | null;
  legal_basis: string;
  document_ref: string;
  filed_at: Timestamp;
  status: 'active' | 'revoked';
  revoked_at: Timestamp | null;
  revocation_reason: string | null;
  body_digest: string;
}
