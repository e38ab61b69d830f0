/**
 * What a person is told when a relationship naming them is filed or revoked (Fa Shi [2015] 17 art. 3 para. 2): the
 * organisation and the role by name, the filing authority and its document, and the measures that bind the person
 * through the organisation now; and when such measures start or stop binding them. Pure, as data (kind and
 * parameters), like every notice (domain/notice.ts).
 */

import type { Evaluation } from './evaluate.ts';
import { consequence, type NoticeDraft } from './notice.ts';
import type { Policy } from './policy.ts';
import type { RelatedListing } from './related.ts';
import type { Party, Relationship } from './relationship.ts';

/** Told on `relationship.filed` and `relationship.revoked`; the consequences are the measures in effect after it. */
export function relationshipNotice(
  policy: Policy,
  kind: 'relationship.filed' | 'relationship.revoked',
  relationship: Relationship,
  organization: Party,
  evaluation: Evaluation,
): NoticeDraft {
  const consequences = evaluation.measures
    .filter((m) => m.related?.relationship_id === relationship.id)
    .map((m) => consequence(m, null));
  return {
    policy,
    kind,
    subject_id: relationship.person_id,
    agency_id: relationship.agency_id,
    record_id: null,
    list_id: null,
    legal_basis: relationship.legal_basis,
    params: {
      relationship_id: relationship.id,
      role: relationship.role,
      organization: organization.name,
      organization_id: `${organization.scheme}:${organization.id}`,
      document_ref: relationship.document_ref,
      from: relationship.valid_from.toISOString(),
      ...(relationship.valid_until === null ? {} : { until: relationship.valid_until.toISOString() }),
      ...(relationship.revocation_reason === null ? {} : { reason: relationship.revocation_reason }),
    },
    consequences,
    dispute_by: null,
  };
}

const listingKey = (l: Pick<RelatedListing, 'relationship_id' | 'list'>) => `${l.relationship_id}:${l.list}`;

function relatedParams(l: RelatedListing) {
  return {
    relationship_id: l.relationship_id,
    role: l.role,
    organization: l.organization.name,
    organization_id: `${l.organization.scheme}:${l.organization.id}`,
  };
}

/**
 * Told when measures start or stop binding the person through a related organisation's listing: the organisation
 * is listed or leaves the list, the relationship begins or ends, or a court's exemption starts or ends. `before`
 * is what the projection held (dates as text); the consequences are the measures that now bind through it.
 */
export function relatedNotices(
  policy: Policy,
  subjectId: string,
  before: readonly RelatedListing[],
  evaluation: Evaluation,
): NoticeDraft[] {
  const had = new Set(before.map(listingKey));
  const has = new Set(evaluation.related.map(listingKey));
  const base = { policy, subject_id: subjectId, agency_id: null, record_id: null, dispute_by: null };
  const started = evaluation.related
    .filter((l) => !had.has(listingKey(l)))
    .map((l): NoticeDraft => {
      const consequences = evaluation.measures
        .filter((m) => m.related?.relationship_id === l.relationship_id && m.list === l.list)
        .map((m) => consequence(m, null));
      const legal = consequences[0]?.legal_basis ?? policy.lists.get(l.list)?.legal_basis.en ?? '';
      return {
        ...base,
        kind: 'related.started',
        list_id: l.list,
        legal_basis: legal,
        params: relatedParams(l),
        consequences,
      };
    });
  const ended = before
    .filter((l) => !has.has(listingKey(l)))
    .map(
      (l): NoticeDraft => ({
        ...base,
        kind: 'related.ended',
        list_id: l.list,
        legal_basis: policy.lists.get(l.list)?.legal_basis.en ?? '',
        params: relatedParams(l),
        consequences: [],
      }),
    );
  return [...started, ...ended];
}
