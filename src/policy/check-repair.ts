/**
 * Semantic checks on the `repair` section: minimum periods are valid durations and every
 * record type repaired on performance is in the catalog.
 */

import type { ProblemDetail } from '../errors.ts';
import { isObject, keysOf, policyProblem, quoteList, stringItems, type Loose } from './document.ts';
import { checkDuration } from './durations.ts';

export function checkRepair(document: Loose): ProblemDetail[] {
  if (!isObject(document.repair)) return [];
  const repair = document.repair;
  const periods = isObject(repair.minimum_periods) ? repair.minimum_periods : {};
  const types = new Set(keysOf(document.record_types));
  return [
    ...Object.entries(periods).flatMap(([tier, period]) => checkDuration(['repair', 'minimum_periods', tier], period)),
    ...stringItems(repair.on_performance)
      .filter(([, id]) => !types.has(id))
      .map(([index, id]) =>
        policyProblem(
          ['repair', 'on_performance', index],
          `unknown record type "${id}"; declared: ${quoteList(types)}`,
        ),
      ),
  ];
}
