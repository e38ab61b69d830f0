/**
 * Amendments (FCRA § 611(d), 15 U.S.C. § 1681i(d)): what a relying service is told when a record behind a decision
 * it got is corrected, revoked or repaired. Pure: the lookback window and the outcome the same action has now.
 */

import { decideAction } from './decide.ts';
import { addDays, addMonths, parseDuration } from './duration.ts';
import type { Evaluation } from './evaluate.ts';
import type { AmendmentRules, Outcome } from './policy.ts';

/** How a record changed. A court's deletion (Fa Shi [2017] 7 art. 10) is a repair naming its ground. */
export type AmendmentChange = 'corrected' | 'revoked' | 'repaired';

/** The earliest decision instant a change at `now` reaches back to: `now` minus the policy's lookback. */
export function lookbackStart(rules: AmendmentRules, now: Date): Date {
  const duration = parseDuration(rules.lookback);
  if (duration === null) throw new RangeError(`not an ISO 8601 duration: ${rules.lookback}`);
  return addDays(addMonths(now, -(duration.years * 12 + duration.months)), -duration.days);
}

/** The outcome a decision about `action` has under `evaluation`: the decision index's rule, from the same core. */
export function outcomeNow(evaluation: Evaluation, action: string): Outcome {
  return decideAction(evaluation.measures, action).outcome;
}
