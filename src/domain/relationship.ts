/**
 * Related persons (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6): a person's role in an organisation,
 * filed by the registration authority, as evaluation reads it, and when it is in force. Pure.
 */

import type { RelationshipRole } from './policy.ts';

export interface Relationship {
  readonly id: string;
  readonly person_id: string;
  readonly organization_id: string;
  readonly agency_id: string;
  readonly source_ref: string;
  readonly role: RelationshipRole;
  readonly valid_from: Date;
  readonly valid_until: Date | null;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly filed_at: Date;
  readonly status: 'active' | 'revoked';
  readonly revoked_at: Date | null;
  readonly revocation_reason: string | null;
}

/** Whether a relationship holds at `now`: not revoked, begun, and not yet ended. */
export function relationshipHolds(r: Pick<Relationship, 'status' | 'valid_from' | 'valid_until'>, now: Date): boolean {
  return r.status === 'active' && r.valid_from <= now && (r.valid_until === null || now < r.valid_until);
}

/** One side of a relationship as filed: an identifier and the name the authority registered. */
export interface Party {
  readonly scheme: string;
  readonly id: string;
  readonly name: string;
}
