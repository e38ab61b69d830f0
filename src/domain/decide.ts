/** From an evaluation to the answer for one action: the strongest effect among the measures that bind it. */

import type { AppliedMeasure } from './evaluate.ts';
import { OUTCOME_PRECEDENCE, type Outcome } from './policy.ts';

export interface ActionDecision {
  readonly outcome: Outcome;
  readonly measures: readonly AppliedMeasure[];
}

export const ALLOW: ActionDecision = Object.freeze({
  outcome: 'allow',
  measures: Object.freeze([]) as readonly AppliedMeasure[],
});

/** Picks the measures that bind `action` and the outcome by precedence (deny > restrict > review > waive > expedite). */
export function decideAction(measures: readonly AppliedMeasure[], action: string): ActionDecision {
  const binding = measures.filter((m) => m.actions.includes(action));
  if (binding.length === 0) return ALLOW;
  let outcome: Outcome = 'allow';
  for (const m of binding) {
    if (OUTCOME_PRECEDENCE.indexOf(m.effect) < OUTCOME_PRECEDENCE.indexOf(outcome)) outcome = m.effect;
  }
  return { outcome, measures: binding };
}
