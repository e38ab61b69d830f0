/** From an evaluation to the answer for one action: the strongest effect among the measures that bind it. */

import type { ProblemDetail } from '../errors.ts';
import type { AppliedMeasure } from './measures.ts';
import { OUTCOME_PRECEDENCE, type Outcome } from './policy.ts';

/**
 * The decision index packs a subject's state into one small integer: the grade's position in the
 * low STATE_GRADE_BITS bits, one bit per list above them. 5 + 24 bits stay within V8's 31-bit
 * small integers, which a Map stores unboxed; a policy beyond these limits is refused when loaded.
 */
export const STATE_GRADE_BITS = 5;
/** Grades a policy may declare: fewer than 2^STATE_GRADE_BITS. */
export const MAX_GRADES = (1 << STATE_GRADE_BITS) - 1;
/** Lists a policy may declare: one bit each in a state code. */
export const MAX_LISTS = 24;

/** Problems (CRD_POLICY_INVALID, with their paths) for a policy too large for the decision index's encoding. */
export function stateEncodingProblems(counts: { readonly grades: number; readonly lists: number }): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  if (counts.grades > MAX_GRADES)
    problems.push({
      code: 'CRD_POLICY_INVALID',
      path: 'scoring.grades',
      message:
        `${counts.grades} grades declared; at most ${MAX_GRADES} ` +
        `(the decision index keeps a grade in ${STATE_GRADE_BITS} bits)`,
    });
  if (counts.lists > MAX_LISTS)
    problems.push({
      code: 'CRD_POLICY_INVALID',
      path: 'lists',
      message: `${counts.lists} lists declared; at most ${MAX_LISTS} (the decision index keeps one bit per list)`,
    });
  return problems;
}

export interface ActionDecision {
  readonly outcome: Outcome;
  readonly measures: readonly AppliedMeasure[];
}

export const ALLOW: ActionDecision = Object.freeze({
  outcome: 'allow',
  measures: Object.freeze([]) as readonly AppliedMeasure[],
});

/**
 * Picks the measures that bind `action` and the outcome by precedence
 * (deny > restrict > review > waive > expedite).
 */
export function decideAction(measures: readonly AppliedMeasure[], action: string): ActionDecision {
  const binding = measures.filter((m) => m.actions.includes(action));
  if (binding.length === 0) return ALLOW;
  let outcome: Outcome = 'allow';
  for (const m of binding) {
    if (OUTCOME_PRECEDENCE.indexOf(m.effect) < OUTCOME_PRECEDENCE.indexOf(outcome)) outcome = m.effect;
  }
  return { outcome, measures: binding };
}
