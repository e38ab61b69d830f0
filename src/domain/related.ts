/**
 * Related persons in evaluation (Fa Shi [2015] 17 art. 3 para. 2): the listings of organisations a person is
 * related to that bind the person, by the measures whose `binds_related` names the person's role. Pure: the
 * organisations' memberships at the same instant are an input (the caller evaluates the organisations).
 */

import type { Policy, RelationshipRole } from './policy.ts';
import type { CreditRecord } from './record.ts';
import { relationshipHolds, type Relationship } from './relationship.ts';

/** The relationship through which a measure binds a person, and the organisation it names. */
export interface RelatedVia {
  readonly relationship_id: string;
  readonly role: RelationshipRole;
  readonly organization: { readonly scheme: string; readonly id: string; readonly name: string };
}

/** An organisation's active listing that binds the person, until when, and the record types exempting them. */
export interface RelatedListing extends RelatedVia {
  readonly list: string;
  /** The earlier of the listing's end and the relationship's; null in the decision index (held as long as it is). */
  readonly until: Date | null;
  /** Exempting record types (`binds_related.exempted_by`) in force for this person and organisation. */
  readonly exempted_by: readonly string[];
}

/** A relationship of the person, the organisation it names (every identifier), and its memberships at `now`. */
export interface RelatedOrganization {
  readonly relationship: Pick<Relationship, 'id' | 'role' | 'status' | 'valid_from' | 'valid_until'>;
  readonly organization: RelatedVia['organization'] & { readonly identifiers: readonly string[] };
  readonly lists: readonly {
    readonly list: string;
    readonly status: 'pending' | 'active';
    readonly effective_from: Date;
    readonly until: Date;
  }[];
}

/**
 * The listings that bind a person at `now`: of organisations they are related to by a relationship holding at
 * `now`, actively listed, where some measure on that list binds the role and is not lifted by an exempting
 * record among `counted` (the person's records that count at `now`) naming the organisation.
 */
export function relatedListings(
  policy: Policy,
  related: readonly RelatedOrganization[],
  counted: readonly CreditRecord[],
  now: Date,
): RelatedListing[] {
  const listings: RelatedListing[] = [];
  for (const { relationship, organization, lists } of related) {
    if (!relationshipHolds(relationship, now)) continue;
    const ids = new Set(organization.identifiers.map((id) => id.toUpperCase()));
    const exempted_by = [
      ...new Set(
        counted.filter((r) => ids.has((r.attributes.organization ?? '').trim().toUpperCase())).map((r) => r.type),
      ),
    ].sort();
    for (const m of lists) {
      if (m.status !== 'active') continue;
      const binding = policy.measures.filter(
        (measure) =>
          measure.list === m.list &&
          measure.binds_related?.roles.includes(relationship.role) === true &&
          !exempted_by.includes(measure.binds_related.exempted_by ?? ''),
      );
      if (binding.length === 0) continue;
      const until =
        relationship.valid_until === null || m.until < relationship.valid_until ? m.until : relationship.valid_until;
      listings.push({
        relationship_id: relationship.id,
        role: relationship.role,
        organization: { scheme: organization.scheme, id: organization.id, name: organization.name },
        list: m.list,
        until,
        exempted_by,
      });
    }
  }
  return listings;
}

/** When the related part of an evaluation changes by itself: a relationship or a listing starts or ends. */
export function relatedInstants(related: readonly RelatedOrganization[]): Date[] {
  const instants: Date[] = [];
  for (const { relationship, lists } of related) {
    if (relationship.status !== 'active') continue;
    instants.push(relationship.valid_from);
    if (relationship.valid_until !== null) instants.push(relationship.valid_until);
    for (const m of lists) instants.push(m.effective_from, m.until);
  }
  return instants;
}
