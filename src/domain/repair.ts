/**
 * Credit repair eligibility (NDRC Credit Repair Management Measures, Order No. 36 (2025), in force
 * 1 April 2026): only a negative record, only after its tier's minimum period from the decision
 * date (`decided_at`: the Measures run every period from the decision); for the
 * policy's `on_performance` types (the SPC list of dishonest judgment debtors, Fa Shi [2017] 7
 * art. 10) at any time, but only once the obligation is performed. Pure.
 */

import type { MessageParams } from '../errors.ts';
import { addDays, addDuration } from './duration.ts';
import { resolveRecordTerms, type Policy } from './policy.ts';
import type { CreditRecord } from './record.ts';

export interface RepairRefusal {
  readonly code: 'CRD_REPAIR_NOT_NEGATIVE' | 'CRD_REPAIR_TOO_EARLY' | 'CRD_REPAIR_NOT_PERFORMED';
  readonly message: string;
  /** The refusal as data (issue 11): a template key of the error catalogue and its parameters. */
  readonly key: string;
  readonly params: MessageParams;
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
      key: 'repair_not_negative',
      params: { record: record.id },
    };
  }
  if (policy.repair.on_performance.includes(record.type)) {
    if (performed) return null;
    return {
      code: 'CRD_REPAIR_NOT_PERFORMED',
      key: 'repair_not_performed',
      params: { type: record.type },
      message:
        `a ${record.type} record is repaired once the obligation is performed: ` +
        'state "performed": true and give the evidence of performance',
    };
  }
  const eligibleAt = addDuration(record.decided_at, policy.repair.minimum_periods[terms.tier]);
  if (now >= eligibleAt) return null;
  return {
    code: 'CRD_REPAIR_TOO_EARLY',
    key: 'repair_too_early',
    params: {
      tier: terms.tier,
      period: policy.repair.minimum_periods[terms.tier],
      eligible: eligibleAt.toISOString(),
    },
    message:
      `a ${terms.tier} record can be repaired only after ${policy.repair.minimum_periods[terms.tier]} ` +
      `from the decision: apply on or after ${eligibleAt.toISOString()}`,
    eligible_at: eligibleAt,
  };
}

/** The working-day calendar of a deletion rule: weekdays that are holidays, weekend days that are worked. */
export interface WorkingCalendar {
  readonly holidays: readonly string[];
  readonly working_weekends: readonly string[];
}

/**
 * `n` working days after `date`: each following UTC calendar day that is a weekday not in `holidays`, or a
 * weekend day in `working_weekends`, counts one; the time of day is kept. Fa Shi [2017] 7 art. 10's "within
 * 3 working days" of an application made on a Friday is the next Wednesday, at the hour it was made.
 */
export function addWorkingDays(date: Date, n: number, calendar: WorkingCalendar): Date {
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    const iso = day.toISOString().slice(0, 10);
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    const working = weekend ? calendar.working_weekends.includes(iso) : !calendar.holidays.includes(iso);
    if (working) left -= 1;
  }
  return day;
}

/**
 * When the agency must decide a repair application made at `appliedAt` on a record of type `recordType`: the
 * policy's deletion deadline in working days where it sets one for the type (Fa Shi [2013] 17 as amended by
 * Fa Shi [2017] 7, art. 10: within 3 working days), else its deadline for every repair decision (NDRC Order
 * No. 36 (2025): within 10 working days), or null where the policy sets neither.
 */
export function repairDueAt(policy: Policy, recordType: string, appliedAt: Date): Date | null {
  const { deletion, decision } = policy.repair;
  if (deletion?.record_types.includes(recordType)) return addWorkingDays(appliedAt, deletion.working_days, deletion);
  if (decision === undefined) return null;
  return addWorkingDays(appliedAt, decision.working_days, decision);
}

/**
 * Why an agency's approval naming `ground` cannot be accepted for a record of `recordType`, or null. A type
 * with a deletion rule is deleted only on one of its grounds (art. 10); a type without one takes no ground.
 * An approval without a ground is accepted for now: the agency console does not ask for one yet.
 */
export function checkDeletionGround(policy: Policy, recordType: string, ground: string | undefined): string | null {
  if (ground === undefined) return null;
  const deletion = policy.repair.deletion;
  if (deletion === undefined || !deletion.record_types.includes(recordType))
    return `a ${recordType} record is repaired without a deletion ground: omit "ground"`;
  const grounds = Object.keys(deletion.grounds);
  if (grounds.includes(ground)) return null;
  return (
    `a ${recordType} record is deleted only on a ground of Fa Shi [2017] 7 art. 10: ` +
    `give "ground" as one of ${grounds.join(', ')}`
  );
}
