/**
 * What the public sees of a subject and a record, shared by the public search and the public lists: identifiers
 * masked for persons, and a record's public fields with its texts in the language asked for.
 */

import { disclosureWindow } from '../../domain/disclosure.ts';
import { maskIdentifier } from '../../domain/identifiers.ts';
import { inLanguage, type Language } from '../../domain/local-text.ts';
import { resolveRecordTerms, type Policy, type SubjectKind } from '../../domain/policy.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { getIdentifiersOfSubjects } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';

export interface PublicRecordView {
  readonly type: string;
  readonly type_name: string;
  readonly tier: string;
  readonly agency: { readonly id: string; readonly name: string };
  readonly decided_at: Date;
  readonly effective_at: Date;
  readonly legal_basis: string;
  readonly document_ref: string;
  readonly disclosed_until: Date;
  /** FCRA § 623(a)(3): information the subject disputes is shown as disputed. */
  readonly under_dispute: boolean;
}

/** Identifiers as the public sees them: a person's masked, an organisation's in full. */
export async function identifiersOf(
  ctx: ServiceContext,
  subjects: readonly { id: string; kind: SubjectKind }[],
): Promise<Map<string, { scheme: string; id: string }[]>> {
  const kindOf = new Map(subjects.map((s) => [s.id, s.kind]));
  const byId = new Map<string, { scheme: string; id: string }[]>();
  for (const i of await getIdentifiersOfSubjects(ctx.db, [...kindOf.keys()])) {
    const shown = { scheme: i.scheme, id: maskIdentifier(i.scheme, i.value, kindOf.get(i.subject_id)!) };
    byId.set(i.subject_id, [...(byId.get(i.subject_id) ?? []), shown]);
  }
  return byId;
}

export function recordView(
  policy: Policy,
  record: CreditRecord,
  agencies: ReadonlyMap<string, string>,
  language: Language,
): PublicRecordView {
  const type = policy.record_types.get(record.type)!;
  return {
    type: record.type,
    type_name: inLanguage(type.name, language),
    tier: resolveRecordTerms(type, record.attributes).tier,
    agency: { id: record.agency_id, name: agencies.get(record.agency_id) ?? record.agency_id },
    decided_at: record.decided_at,
    effective_at: record.effective_at,
    legal_basis: record.legal_basis,
    document_ref: record.document_ref,
    disclosed_until: disclosureWindow(type, record).end,
    under_dispute: record.status === 'disputed',
  };
}
