/**
 * Corrections by the filing agency: the changed fields are merged into the record as it stands
 * and the result is checked exactly like a new filing (`checkRecordInput`). Pure.
 */

import { canonicalJson } from './canonical.ts';
import type { NormalizedRecord, RecordInput } from './record-input.ts';
import type { CreditRecord } from './record.ts';

/** The fields an agency may correct. Type, subject and source_ref identify the record and do not change. */
export const CORRECTABLE_FIELDS = [
  'decided_at',
  'effective_at',
  'expires_at',
  'legal_basis',
  'document_ref',
  'summary',
  'attributes',
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];
export type RecordChanges = Partial<Record<CorrectableField, unknown>>;

export interface SubjectIdentity {
  readonly kind: 'person' | 'organization';
  readonly scheme: string;
  readonly id: string;
  readonly name: string;
}

/** The record as an intake input with `changes` applied: each given field replaces the current one. */
export function correctionInput(current: CreditRecord, subject: SubjectIdentity, changes: RecordChanges): RecordInput {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  const base: Record<CorrectableField, unknown> = {
    decided_at: iso(current.decided_at),
    effective_at: iso(current.effective_at),
    expires_at: iso(current.expires_at),
    legal_basis: current.legal_basis,
    document_ref: current.document_ref,
    summary: current.summary,
    attributes: current.attributes,
  };
  return { source_ref: current.source_ref, type: current.type, subject, ...base, ...changes };
}

function content(r: Pick<CreditRecord, CorrectableField>): string {
  return canonicalJson(Object.fromEntries(CORRECTABLE_FIELDS.map((f) => [f, r[f]])));
}

/** True when the checked correction leaves the record's content as it is. */
export function changesNothing(current: CreditRecord, corrected: NormalizedRecord): boolean {
  return content(current) === content(corrected);
}
