/**
 * What the agency console shows a clerk at once: their agency's open disputes with the disputed
 * records (read in one query), its pending repair applications and its recent uploads. Reading
 * disputes and repairs is logged as inquiries, once per subject, as the API's lists are.
 */

import type { Principal } from '../../domain/principal.ts';
import type { CreditRecord } from '../../domain/record.ts';
import { getRecordsByIds } from '../../store/public.repository.ts';
import type { ServiceContext } from '../context.ts';
import { listRecentImports, type ImportRow } from '../records/agency-imports.service.ts';
import { listDisputes, type DisputeView } from './disputes.service.ts';
import { listRepairs, type RepairView } from './repairs.service.ts';

/** How many open disputes and pending repairs the console lists. */
const QUEUE_LIMIT = 100;

export interface AgencyConsoleData {
  /** Unresolved disputes of the agency's records, oldest deadline first. */
  readonly disputes: readonly DisputeView[];
  /** The disputed records by id (to prefill a "corrected" outcome). */
  readonly records: ReadonlyMap<string, CreditRecord>;
  readonly repairs: readonly RepairView[];
  readonly uploads: readonly ImportRow[];
}

/**
 * The console's queues for an agency principal. The disputed records are read with the disputes
 * (the same subjects, logged once by listDisputes), not one by one.
 */
export async function readAgencyConsole(ctx: ServiceContext, principal: Principal): Promise<AgencyConsoleData> {
  const { disputes } = await listDisputes(ctx, principal, { status: 'open', limit: QUEUE_LIMIT });
  const records = await getRecordsByIds(
    ctx.db,
    disputes.map((d) => d.record_id),
  );
  const { repairs } = await listRepairs(ctx, principal, { status: 'pending', limit: QUEUE_LIMIT });
  const uploads = await listRecentImports(ctx, principal.agency_id!);
  return {
    disputes,
    // An agency sees only its own records (its disputes are of its records; checked all the same).
    records: new Map(records.filter((r) => r.agency_id === principal.agency_id).map((r) => [r.id, r])),
    repairs,
    uploads,
  };
}
