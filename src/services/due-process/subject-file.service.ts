/**
 * A subject's own file as the portal shows it: the report (logged as the subject's own read, as
 * GET /v1/reports is) and the names of the agencies it mentions, which the report holds only as ids,
 * with how to reach those registered with a contact.
 */

import type { Principal } from '../../domain/principal.ts';
import type { AgencyContact } from '../../domain/agency-contact.ts';
import { getAgencyContacts } from '../../store/principals.repository.ts';
import { getAgencyNames } from '../../store/public.repository.ts';
import type { ServiceContext } from '../context.ts';
import type { SubjectRef } from '../decisions/decisions.service.ts';
import { getReport, type SubjectReport } from './reports.service.ts';

export interface SubjectFileView {
  readonly report: SubjectReport;
  /** Agency names by id, for the agencies that filed a record or sent a notice. */
  readonly agencyNames: ReadonlyMap<string, string>;
  /** How to reach those agencies, for those registered with a contact. */
  readonly agencyContacts: ReadonlyMap<string, AgencyContact>;
}

/** The subject's report and the names of the agencies in it. */
export async function readSubjectFile(
  ctx: ServiceContext,
  principal: Principal,
  subject: SubjectRef,
): Promise<SubjectFileView> {
  const report = await getReport(ctx, principal, subject);
  const agencyIds = [
    ...report.records.map((r) => r.agency_id),
    ...report.notices.map((n) => n.agency_id).filter((id): id is string => id !== null),
  ];
  const ids = [...new Set(agencyIds)];
  const [agencyNames, agencyContacts] = await Promise.all([
    getAgencyNames(ctx.db, ids),
    getAgencyContacts(ctx.db, ids),
  ]);
  return { report, agencyNames, agencyContacts };
}
