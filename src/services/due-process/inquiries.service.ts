/**
 * The inquiry log of reads: every read of a subject's personal data (a record, a dispute
 * statement, repair evidence, a report, a review task) is an inquiry the subject sees in their
 * report. Decisions are logged by the decision service, in batches.
 */

import type { Principal } from '../../domain/principal.ts';
import { getIdentifiersOfSubjects } from '../../store/subjects.repository.ts';
import type { ServiceContext } from '../context.ts';

/** An identifier as it was asked about. */
export interface InquiryIdentifier {
  readonly scheme: string;
  readonly id: string;
}

/**
 * Whose data was read: subjects by their internal ids (logged under each of their identifiers),
 * or `{ identifiers }` as they were asked about (a file read by identifier, known or not).
 */
export type ReadSubjects = readonly string[] | { readonly identifiers: readonly InquiryIdentifier[] };

export interface InquiryDetails {
  /** `record` (the default): records or what was filed about them; `report`: the subject's file. */
  readonly kind?: 'record' | 'report';
  /** The action the read served (a review's), if any. */
  readonly action?: string;
  /** The policy version the read concerned (a review's decision's); by default the active one. */
  readonly policyVersion?: string;
}

/** Logs a read of these subjects' personal data as inquiries; resolves once they are committed. */
export async function logInquiries(
  ctx: ServiceContext,
  principal: Principal,
  subjects: ReadSubjects,
  purpose: string | null,
  details: InquiryDetails = {},
): Promise<void> {
  const identifiers = await identifiersRead(ctx, subjects);
  const at = ctx.clock();
  await ctx.log.append(
    identifiers.map((i) => ({
      subject_scheme: i.scheme,
      subject_value: i.id,
      at,
      id: ctx.newId(),
      kind: details.kind ?? 'record',
      principal_id: principal.id,
      action: details.action ?? null,
      purpose,
      outcome: null,
      policy_version: details.policyVersion ?? ctx.policy.version,
    })),
  );
}

async function identifiersRead(ctx: ServiceContext, subjects: ReadSubjects): Promise<readonly InquiryIdentifier[]> {
  if ('identifiers' in subjects) return subjects.identifiers;
  const rows = await getIdentifiersOfSubjects(ctx.db, [...new Set(subjects)]);
  return rows.map((r) => ({ scheme: r.scheme, id: r.value }));
}
