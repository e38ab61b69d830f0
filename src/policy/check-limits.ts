/**
 * Limits the decision index's state encoding puts on a policy: checked here, so that `credence
 * policy check` refuses a policy the server could not run rather than the server failing at start.
 */

import { stateEncodingProblems } from '../domain/decide.ts';
import type { ProblemDetail } from '../errors.ts';
import { isObject, keysOf, type Loose } from './document.ts';

/** Too many grades (at `scoring.grades`) or lists (at `lists`) for the decision index. */
export function checkIndexLimits(document: Loose): ProblemDetail[] {
  const grades = isObject(document.scoring) && Array.isArray(document.scoring.grades) ? document.scoring.grades : [];
  return stateEncodingProblems({ grades: grades.length, lists: keysOf(document.lists).length });
}
