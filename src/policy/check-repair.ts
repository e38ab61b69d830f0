/**
 * Semantic checks on the `repair` section: minimum periods are valid durations, every
 * record type repaired on performance is in the catalog, and the types with a deletion deadline
 * (Fa Shi [2017] 7 art. 10) are among those repaired on performance.
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
    ...checkDeletion(repair),
  ];
}

function checkDeletion(repair: Loose): ProblemDetail[] {
  if (!isObject(repair.deletion)) return [];
  const onPerformance = new Set(stringItems(repair.on_performance).map(([, id]) => id));
  return stringItems(repair.deletion.record_types)
    .filter(([, id]) => !onPerformance.has(id))
    .map(([index, id]) =>
      policyProblem(
        ['repair', 'deletion', 'record_types', index],
        `"${id}" is not repaired on performance; on_performance: ${quoteList(onPerformance)}`,
      ),
    );
}
