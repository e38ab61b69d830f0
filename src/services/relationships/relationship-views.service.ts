/**
 * Relationships as people read them (Fa Shi [2015] 17 art. 3 para. 2): both parties by identifier and name. Both
 * sides' reports show them: a person the organisations they hold a role in, an organisation the persons holding
 * its roles.
 */

import { maskIdentifier } from '../../domain/identifiers.ts';
import { inLanguage, type Language } from '../../domain/local-text.ts';
import { relationshipHolds, type Party, type Relationship } from '../../domain/relationship.ts';
import type { Executor } from '../../store/executor.ts';
import { getRelationshipsOfOrganizations, getRelationshipsOfPersons } from '../../store/relationships.repository.ts';
import { getIdentifiersOfSubjects, getSubjectsByIds, type SubjectRow } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';

/** A relationship as the API answers it: both parties by identifier and name, the role, the period, the status. */
export interface RelationshipView {
  readonly relationship_id: string;
  readonly source_ref: string;
  readonly organization: Party;
  readonly person: Party;
  readonly role: string;
  readonly from: Date;
  readonly until: Date | null;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly status: 'active' | 'revoked';
  readonly revoked_at: Date | null;
  readonly revocation_reason: string | null;
}

/** Subjects as parties: each by name and its first identifier in the policy's scheme order. */
export async function partiesOf(
  ctx: ServiceContext,
  db: Executor,
  subjectIds: readonly string[],
): Promise<Map<string, Party>> {
  const schemes = [...ctx.policy.identifier_schemes.keys()];
  const [subjects, identifiers] = await Promise.all([
    getSubjectsByIds(db, subjectIds),
    getIdentifiersOfSubjects(db, subjectIds),
  ]);
  identifiers.sort((a, b) => schemes.indexOf(a.scheme) - schemes.indexOf(b.scheme) || a.value.localeCompare(b.value));
  return new Map(
    subjects.map((s) => {
      const first = identifiers.find((i) => i.subject_id === s.id);
      return [s.id, { scheme: first?.scheme ?? '', id: first?.value ?? '', name: s.name }];
    }),
  );
}

export function relationshipView(r: Relationship, parties: ReadonlyMap<string, Party>): RelationshipView {
  return {
    relationship_id: r.id,
    source_ref: r.source_ref,
    organization: parties.get(r.organization_id)!,
    person: parties.get(r.person_id)!,
    role: r.role,
    from: r.valid_from,
    until: r.valid_until,
    legal_basis: r.legal_basis,
    document_ref: r.document_ref,
    status: r.status,
    revoked_at: r.revoked_at,
    revocation_reason: r.revocation_reason,
  };
}

/** Every relationship naming the subject, on either side, revoked ones included, oldest first. */
export async function relationshipsOfSubject(
  ctx: ServiceContext,
  subject: Pick<SubjectRow, 'id' | 'kind'> | undefined,
): Promise<RelationshipView[]> {
  if (subject === undefined) return [];
  const rows =
    subject.kind === 'person'
      ? await getRelationshipsOfPersons(ctx.db, [subject.id])
      : await getRelationshipsOfOrganizations(ctx.db, [subject.id]);
  const parties = await partiesOf(ctx, ctx.db, [...new Set(rows.flatMap((r) => [r.person_id, r.organization_id]))]);
  const views = rows.map((r) => relationshipView(r, parties));
  if (subject.kind === 'person') return views;
  // An organisation's file names its persons, but never shows their resident IDs whole (masked as anywhere else).
  return views.map((v) => ({
    ...v,
    person: { ...v.person, id: maskIdentifier(v.person.scheme, v.person.id, 'person') },
  }));
}

/** A person the public register names beside an organisation: the role, in the reader's language, and the name. */
export interface PublishedPerson {
  readonly role: string;
  readonly role_name: string;
  readonly name: string;
}

/**
 * Fa Shi [2013] 17 as amended by Fa Shi [2017] 7, art. 6(1): the list of dishonest judgment debtors publishes an
 * organisation debtor's legal representative or principal by name. For each organisation shown publicly on a list
 * the policy's `relationships.published` names, the persons holding a published role at `now`, by name only
 * (never their identifier), by organisation id.
 */
export async function publishedRelatedPersons(
  ctx: ServiceContext,
  organizations: readonly { readonly id: string; readonly kind: string; readonly lists: readonly string[] }[],
  now: Date,
  language: Language,
): Promise<Map<string, PublishedPerson[]>> {
  const published = ctx.policy.relationships?.published;
  const result = new Map<string, PublishedPerson[]>();
  if (published === undefined) return result;
  const ids = organizations
    .filter((o) => o.kind === 'organization' && o.lists.some((l) => published.lists.includes(l)))
    .map((o) => o.id);
  const rows = (await getRelationshipsOfOrganizations(ctx.db, ids)).filter(
    (r) => relationshipHolds(r, now) && published.roles.includes(r.role),
  );
  const names = new Map(
    (await getSubjectsByIds(ctx.db, [...new Set(rows.map((r) => r.person_id))])).map((s) => [s.id, s.name]),
  );
  for (const r of rows) {
    const role = ctx.policy.relationships?.roles.get(r.role);
    const person = {
      role: r.role,
      role_name: role === undefined ? r.role : inLanguage(role.name, language),
      name: names.get(r.person_id) ?? '',
    };
    result.set(r.organization_id, [...(result.get(r.organization_id) ?? []), person]);
  }
  return result;
}
