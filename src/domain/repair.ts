/**
 * Credit repair eligibility (NDRC Credit Repair Management Measures, Order No. 36 (2025), in force
 * 1 April 2026): only a negative record, only after its tier's minimum period from the decision
 * date (`decided_at`: the Measures run every period from the decision); for the
 * policy's `on_performance` types (the SPC list of dishonest judgment debtors, Fa Shi [2017] 7
 * art. 10) at any time, but only once the obligation is performed. Pure.
 */

import { addDuration } from './duration.ts';
import { resolveRecordTerms, type Policy } from './policy.ts';
import type { CreditRecord } from './record.ts';

export interface RepairRefusal {
  readonly code: 'CRD_REPAIR_NOT_NEGATIVE' | 'CRD_REPAIR_TOO_EARLY' | 'CRD_REPAIR_NOT_PERFORMED';
  readonly message: string;
  /** For a refusal as too early: the first instant an application can succeed. */
  readonly eligible_at?: Date;
}

/** Why an application to repair `record` at `now` must be refused, or null if it may go to the agency. */
export function checkRepairEligibility(
  policy: Policy,
  record: CreditRecord,
  performed: boolean,
  now: Date,
): RepairRefusal | null {
  const type = policy.record_types.get(record.type);
  const terms = type === undefined ? null : resolveRecordTerms(type, record.attributes);
  if (terms === null || terms.tier === 'positive') {
    return {
      code: 'CRD_REPAIR_NOT_NEGATIVE',
      message: `record ${record.id} is not a negative record: there is nothing to repair`,
    };
  }
  if (policy.repair.on_performance.includes(record.type)) {
    if (performed) return null;
    return {
      code: 'CRD_REPAIR_NOT_PERFORMED',
      message:
        `a ${record.type} record is repaired once the obligation is performed: ` +
        'state "performed": true and give the evidence of performance',
    };
  }
  const eligibleAt = addDuration(record.decided_at, policy.repair.minimum_periods[terms.tier]);
  if (now >= eligibleAt) return null;
  return {
    code: 'CRD_REPAIR_TOO_EARLY',
    message:
      `a ${terms.tier} record can be repaired only after ${policy.repair.minimum_periods[terms.tier]} ` +
      `from the decision: apply on or after ${eligibleAt.toISOString()}`,
    eligible_at: eligibleAt,
  };
}
