/**
 * A relationship as the registration authority files it (Fa Shi [2015] 17 art. 3 para. 2), checked against the
 * policy: every problem with its path; a valid filing becomes a normalised one with a digest of its content, for
 * idempotency like a record's. Pure.
 */

import type { ProblemDetail } from '../errors.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { normalizeIdentifier, validateIdentifier } from './identifiers.ts';
import { RELATIONSHIP_ROLES, type Policy, type RelationshipRole, type SubjectKind } from './policy.ts';
import { date, Problems, text } from './record-input.ts';
import type { Party } from './relationship.ts';

export interface NormalizedRelationship {
  readonly source_ref: string;
  readonly organization: Party;
  readonly person: Party;
  readonly role: RelationshipRole;
  readonly valid_from: Date;
  readonly valid_until: Date | null;
  readonly legal_basis: string;
  readonly document_ref: string;
  /** SHA-256 of the canonical normalised content: equal digests mean the same filing. */
  readonly digest: string;
}

export type RelationshipCheck =
  | { ok: true; relationship: NormalizedRelationship }
  | { ok: false; problems: ProblemDetail[] };

type Input = Readonly<Record<string, unknown>>;

function partyOf(problems: Problems, policy: Policy, value: unknown, path: string, kind: SubjectKind): Party | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add('CRD_VALIDATION', path, `${path} is required: {scheme, id, name}`);
    return null;
  }
  const party = value as Input;
  const name = text(problems, party.name, `${path}.name`, 300);
  const schemeId = text(problems, party.scheme, `${path}.scheme`, 40);
  const rawId = text(problems, party.id, `${path}.id`, 64);
  const scheme = schemeId === null ? undefined : policy.identifier_schemes.get(schemeId);
  if (schemeId !== null && scheme === undefined)
    problems.add('CRD_UNKNOWN_SCHEME', `${path}.scheme`, `unknown identifier scheme "${schemeId}"`);
  if (scheme === undefined || rawId === null || name === null) return null;
  if (!scheme.subject_kinds.includes(kind))
    problems.add('CRD_SUBJECT_KIND_MISMATCH', `${path}.scheme`, `${scheme.id} does not identify a ${kind}`);
  const id = normalizeIdentifier(scheme, rawId);
  for (const problem of validateIdentifier(scheme, id, `${path}.id`)) problems.list.push(problem);
  return { scheme: scheme.id, id, name };
}

/** Refuses a filer the policy does not grant relationships to (a 403 for the whole item). */
function grantProblem(policy: Policy, agencyKind: string): ProblemDetail | null {
  const granted = policy.relationships?.agency_kinds ?? [];
  if (granted.includes(agencyKind)) return null;
  const message =
    granted.length === 0
      ? 'the policy grants no agency the filing of relationships'
      : `a ${agencyKind} agency may not file relationships (filed by: ${granted.join(', ')})`;
  return { code: 'CRD_RELATIONSHIP_NOT_GRANTED', path: '', message };
}

function roleOf(problems: Problems, policy: Policy, value: unknown): RelationshipRole | null {
  const roles = [...(policy.relationships?.roles.keys() ?? RELATIONSHIP_ROLES)];
  if (typeof value === 'string' && (roles as string[]).includes(value)) return value as RelationshipRole;
  problems.add('CRD_VALIDATION', 'role', `role must be one of ${roles.join(', ')}`);
  return null;
}

/**
 * Checks one relationship filed by an agency of `agencyKind`. Paths are relative to the item. A relationship may
 * start later (`from` in the future) or have ended already: evaluation reads it at each instant.
 */
export function checkRelationshipInput(policy: Policy, agencyKind: string, input: unknown): RelationshipCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return {
      ok: false,
      problems: [{ code: 'CRD_VALIDATION', path: '', message: 'a relationship must be a JSON object' }],
    };
  const refused = grantProblem(policy, agencyKind);
  if (refused !== null) return { ok: false, problems: [refused] };
  const item = input as Input;
  const problems = new Problems();
  const sourceRef = text(problems, item.source_ref, 'source_ref', 200);
  const organization = partyOf(problems, policy, item.organization, 'organization', 'organization');
  const person = partyOf(problems, policy, item.person, 'person', 'person');
  const role = roleOf(problems, policy, item.role);
  const from = date(problems, item.from, 'from', true);
  const until = date(problems, item.until, 'until', false);
  if (from !== null && until !== null && until <= from)
    problems.add('CRD_INVALID_DATE', 'until', 'until must be after from');
  const legalBasis = text(problems, item.legal_basis, 'legal_basis', 500);
  const documentRef = text(problems, item.document_ref, 'document_ref', 200);
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  const relationship = {
    source_ref: sourceRef!,
    organization: organization!,
    person: person!,
    role: role!,
    valid_from: from!,
    valid_until: until,
    legal_basis: legalBasis!,
    document_ref: documentRef!,
  };
  return { ok: true, relationship: { ...relationship, digest: sha256Hex(canonicalJson(relationship)) } };
}
