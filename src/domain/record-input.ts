/**
 * Validation of a filed record against the policy: every problem is reported with its path,
 * and a valid input becomes a normalised record with a digest of its content (for idempotency).
 */

import type { MessageParams, ProblemDetail } from '../errors.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { dateRangeFault } from './date-range.ts';
import { normalizeIdentifier, validateIdentifier } from './identifiers.ts';
import { minorListingProblem } from './minors.ts';
import type { Policy, SubjectKind } from './policy.ts';
import { textFault, textFaultKey } from './text.ts';

/** A record as an agency sends it (API body item, NDJSON line or CSV row). */
export interface RecordInput {
  readonly source_ref?: unknown;
  readonly type?: unknown;
  readonly subject?: {
    readonly kind?: unknown;
    readonly scheme?: unknown;
    readonly id?: unknown;
    readonly name?: unknown;
  };
  readonly decided_at?: unknown;
  readonly effective_at?: unknown;
  readonly expires_at?: unknown;
  readonly legal_basis?: unknown;
  readonly document_ref?: unknown;
  readonly summary?: unknown;
  readonly attributes?: unknown;
}

export interface NormalizedRecord {
  readonly source_ref: string;
  readonly type: string;
  readonly subject: { readonly kind: SubjectKind; readonly scheme: string; readonly id: string; readonly name: string };
  readonly decided_at: Date;
  readonly effective_at: Date;
  readonly expires_at: Date | null;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly summary: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  /** SHA-256 of the canonical normalised content: equal digests mean the same filing. */
  readonly digest: string;
}

export type RecordCheck = { ok: true; record: NormalizedRecord } | { ok: false; problems: ProblemDetail[] };

/** Clock skew tolerated on decision dates, so an agency's clock a little ahead is not refused. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * Problems found in one input, each with its path. Each is data where the checker gives a template key of the error
 * catalogue and its parameters (rendered in the reader's language at the edge), with its English message for logs
 * and the CLI.
 */
export class Problems {
  readonly list: ProblemDetail[] = [];
  add(code: ProblemDetail['code'], path: string, message: string, key?: string, params: MessageParams = {}): void {
    this.list.push(
      key === undefined ? { code, path, message } : { code, path, message, key, params: { field: path, ...params } },
    );
  }
}

/** A trimmed text of at most `max` characters, or null (with the problem added). */
export function text(problems: Problems, value: unknown, path: string, max: number, required = true): string | null {
  if (value === undefined || value === null || value === '') {
    if (required) problems.add('CRD_VALIDATION', path, `${path} is required`, 'required');
    return null;
  }
  if (typeof value !== 'string') {
    problems.add('CRD_VALIDATION', path, `${path} must be a string`, 'not_string');
    return null;
  }
  // Refused before anything else reads it: no message echoes it, and PostgreSQL cannot store a NUL.
  const fault = textFault(value);
  if (fault !== null) {
    const { key, params } = textFaultKey(fault);
    problems.add('CRD_VALIDATION', path, `${path} ${fault}`, key, params);
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length === 0 && required) problems.add('CRD_VALIDATION', path, `${path} must not be blank`, 'blank');
  if (trimmed.length > max)
    problems.add('CRD_VALIDATION', path, `${path} must be at most ${max} characters`, 'too_long', { limit: max });
  return trimmed;
}

/** An ISO 8601 date or date-time within range, or null (with the problem added). */
export function date(problems: Problems, value: unknown, path: string, required: boolean): Date | null {
  if (value === undefined || value === null || value === '') {
    if (required)
      problems.add(
        'CRD_INVALID_DATE',
        path,
        `${path} is required (ISO 8601, e.g. 2026-03-01 or 2026-03-01T09:30:00+08:00)`,
        'date_required',
      );
    return null;
  }
  const parsed =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
      ? new Date(value)
      : null;
  if (parsed === null || Number.isNaN(parsed.getTime())) {
    problems.add(
      'CRD_INVALID_DATE',
      path,
      `${path} must be an ISO 8601 date or date-time, got ${JSON.stringify(value)}`,
      'date_invalid',
      { value: String(JSON.stringify(value)) },
    );
    return null;
  }
  const outOfRange = dateRangeFault(parsed);
  if (outOfRange !== null) {
    problems.add('CRD_INVALID_DATE', path, `${path} ${outOfRange}, got ${value}`, 'date_out_of_range', {
      value: String(value),
    });
    return null;
  }
  return parsed;
}

function subjectOf(
  problems: Problems,
  policy: Policy,
  input: RecordInput,
  allowedKinds: readonly SubjectKind[] | null,
) {
  const subject = input.subject;
  if (typeof subject !== 'object' || subject === null) {
    problems.add('CRD_VALIDATION', 'subject', 'subject is required: {kind, scheme, id, name}', 'subject_required');
    return null;
  }
  const kind = subject.kind;
  if (kind !== 'person' && kind !== 'organization') {
    problems.add(
      'CRD_VALIDATION',
      'subject.kind',
      'subject.kind must be "person" or "organization"',
      'subject_kind_invalid',
    );
  } else if (allowedKinds !== null && !allowedKinds.includes(kind)) {
    problems.add(
      'CRD_SUBJECT_KIND_MISMATCH',
      'subject.kind',
      `this record type is not filed about a ${kind} (allowed: ${allowedKinds.join(', ')})`,
      'subject_kind_not_allowed',
      { kind, allowed: allowedKinds.join(', ') },
    );
  }
  const name = text(problems, subject.name, 'subject.name', 300);
  const schemeId = text(problems, subject.scheme, 'subject.scheme', 40);
  const rawId = text(problems, subject.id, 'subject.id', 64);
  const scheme = schemeId === null ? undefined : policy.identifier_schemes.get(schemeId);
  if (schemeId !== null && scheme === undefined) {
    problems.add(
      'CRD_UNKNOWN_SCHEME',
      'subject.scheme',
      `unknown identifier scheme "${schemeId}" (known: ${[...policy.identifier_schemes.keys()].join(', ')})`,
      'scheme_unknown',
      { scheme: schemeId, known: [...policy.identifier_schemes.keys()].join(', ') },
    );
  }
  if (scheme === undefined || rawId === null) return null;
  // The identifier is checked whatever else is wrong, so a bad check digit is reported with every other problem.
  const id = normalizeIdentifier(scheme, rawId);
  for (const problem of validateIdentifier(scheme, id, 'subject.id')) problems.list.push(problem);
  if (name === null || (kind !== 'person' && kind !== 'organization')) return null;
  if (!scheme.subject_kinds.includes(kind)) {
    problems.add(
      'CRD_SUBJECT_KIND_MISMATCH',
      'subject.scheme',
      `${scheme.id} identifies ${scheme.subject_kinds.join(' or ')}, not ${kind}`,
      'scheme_kind_mismatch',
      { scheme: scheme.id, kinds: scheme.subject_kinds.join(' or '), kind },
    );
  }
  return { kind: kind as SubjectKind, scheme: scheme.id, id, name };
}

function attributesOf(
  problems: Problems,
  policy: Policy,
  typeId: string | null,
  value: unknown,
): Record<string, string> {
  const type = typeId === null ? undefined : policy.record_types.get(typeId);
  const attributes: Record<string, string> = {};
  if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    problems.add(
      'CRD_INVALID_ATTRIBUTE',
      'attributes',
      'attributes must be an object of strings',
      'attributes_not_object',
    );
    return attributes;
  }
  if (type === undefined) return attributes;
  for (const [name, raw] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const spec = type.attributes[name];
    const path = `attributes.${name}`;
    const nameFault = textFault(name);
    const valueFault = typeof raw === 'string' ? textFault(raw) : null;
    if (nameFault !== null) {
      const { key, params } = textFaultKey(nameFault);
      problems.add('CRD_VALIDATION', 'attributes', `an attribute name ${nameFault}`, key, params);
    } else if (valueFault !== null) {
      const { key, params } = textFaultKey(valueFault);
      problems.add('CRD_VALIDATION', path, `${path} ${valueFault}`, key, params);
    } else if (spec === undefined) {
      const allowed = Object.keys(type.attributes).join(', ') || 'none';
      problems.add(
        'CRD_INVALID_ATTRIBUTE',
        path,
        `${type.id} has no attribute "${name}" (allowed: ${allowed})`,
        'attribute_unknown',
        { type: type.id, name, allowed },
      );
    } else if (typeof raw !== 'string' || raw.length > 200)
      problems.add(
        'CRD_INVALID_ATTRIBUTE',
        path,
        `${path} must be a string of at most 200 characters`,
        'attribute_invalid',
      );
    else if (spec.enum !== undefined && !spec.enum.includes(raw))
      problems.add(
        'CRD_INVALID_ATTRIBUTE',
        path,
        `${path} must be one of ${spec.enum.join(', ')}`,
        'attribute_not_in_enum',
        {
          values: spec.enum.join(', '),
        },
      );
    else attributes[name] = raw;
  }
  for (const [name, spec] of Object.entries(type.attributes)) {
    if (spec.required && (value as Record<string, unknown> | undefined)?.[name] === undefined) {
      problems.add(
        'CRD_INVALID_ATTRIBUTE',
        `attributes.${name}`,
        `${type.id} requires attribute "${name}"${spec.enum ? ` (one of ${spec.enum.join(', ')})` : ''}`,
        spec.enum ? 'attribute_required_enum' : 'attribute_required',
        { type: type.id, name, ...(spec.enum ? { values: spec.enum.join(', ') } : {}) },
      );
    }
  }
  return attributes;
}

function recordType(problems: Problems, policy: Policy, agencyKind: string, value: unknown) {
  const typeId = text(problems, value, 'type', 100);
  if (typeId === null) return null;
  const type = policy.record_types.get(typeId);
  if (type === undefined) {
    problems.add('CRD_UNKNOWN_RECORD_TYPE', 'type', `unknown record type "${typeId}"`, 'type_unknown', {
      type: typeId,
    });
  } else if (!type.agency_kinds.includes(agencyKind)) {
    problems.add(
      'CRD_RECORD_TYPE_NOT_GRANTED',
      'type',
      `a ${agencyKind} agency may not file ${typeId} (filed by: ${type.agency_kinds.join(', ')})`,
      'type_not_granted',
      { agency_kind: agencyKind, type: typeId, kinds: type.agency_kinds.join(', ') },
    );
  }
  return type ?? null;
}

/** Checks one record filed by an agency of `agencyKind` at `now`. Paths are relative to the record. */
export function checkRecordInput(policy: Policy, agencyKind: string, input: RecordInput, now: Date): RecordCheck {
  const problems = new Problems();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const message = 'a record must be a JSON object';
    return { ok: false, problems: [{ code: 'CRD_VALIDATION', path: '', message, key: 'not_object' }] };
  }
  const sourceRef = text(problems, input.source_ref, 'source_ref', 200);
  const type = recordType(problems, policy, agencyKind, input.type);
  const subject = subjectOf(problems, policy, input, type?.subject_kinds ?? null);
  const decidedAt = date(problems, input.decided_at, 'decided_at', true);
  const effectiveAt = date(problems, input.effective_at, 'effective_at', false) ?? decidedAt;
  const expiresAt = date(problems, input.expires_at, 'expires_at', false);
  if (decidedAt !== null && decidedAt.getTime() > now.getTime() + FUTURE_SKEW_MS)
    problems.add('CRD_INVALID_DATE', 'decided_at', 'decided_at is in the future', 'date_in_future');
  if (decidedAt !== null && effectiveAt !== null && effectiveAt < decidedAt)
    problems.add('CRD_INVALID_DATE', 'effective_at', 'effective_at is before decided_at', 'date_before', {
      other: 'decided_at',
    });
  if (expiresAt !== null && effectiveAt !== null && expiresAt <= effectiveAt)
    problems.add('CRD_INVALID_DATE', 'expires_at', 'expires_at must be after effective_at', 'date_not_after', {
      other: 'effective_at',
    });
  const legalBasis = text(problems, input.legal_basis, 'legal_basis', 500);
  const documentRef = text(problems, input.document_ref, 'document_ref', 200);
  const summary = text(problems, input.summary, 'summary', 2000, false);
  const attributes = attributesOf(problems, policy, type?.id ?? null, input.attributes);
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  // Fa Shi [2017] 7 art. 4: a record that would list a minor is refused (src/domain/minors.ts).
  const minor = minorListingProblem(policy, { type: type!.id, subject: subject!, decided_at: decidedAt!, attributes });
  if (minor !== null) return { ok: false, problems: [minor] };
  const record = {
    source_ref: sourceRef!,
    type: type!.id,
    subject: subject!,
    decided_at: decidedAt!,
    effective_at: effectiveAt!,
    expires_at: expiresAt,
    legal_basis: legalBasis!,
    document_ref: documentRef!,
    summary: summary || null,
    attributes,
  };
  return { ok: true, record: { ...record, digest: sha256Hex(canonicalJson(record)) } };
}
