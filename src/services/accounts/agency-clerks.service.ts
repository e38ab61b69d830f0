/**
 * A clerk signed in to the agency console acts as their agency: the same agency principal the
 * API's agency keys are, so services scope and authorise the console exactly as the API.
 */

import type { Principal } from '../../domain/principal.ts';
import { CredenceError } from '../../errors.ts';
import { getAgency } from '../../store/principals.repository.ts';
import type { ServiceContext } from '../context.ts';
import type { SignedInStaff } from './staff-sessions.service.ts';

/** A clerk's agency principal, with the agency's name and kind for the console. */
export interface AgencyClerk {
  readonly principal: Principal;
  readonly agencyName: string;
  readonly agencyKind: string;
}

/** The agency principal of a clerk; CRD_FORBIDDEN when the account belongs to no known agency. */
export async function agencyPrincipalFor(ctx: ServiceContext, staff: SignedInStaff): Promise<AgencyClerk> {
  const agency = staff.agency_id === null ? undefined : await getAgency(ctx.db, staff.agency_id);
  if (agency === undefined) throw new CredenceError('CRD_FORBIDDEN', 'this clerk account belongs to no known agency');
  const principal: Principal = {
    id: `staff:${staff.id}`,
    name: staff.username,
    role: 'agency',
    agency_id: agency.id,
    agency_kind: agency.kind,
    actions: [],
    purposes: [],
    subject: null,
    created_at: staff.created_at,
    revoked_at: null,
  };
  return { principal, agencyName: agency.name, agencyKind: agency.kind };
}
