/**
 * Semantic checks on lists: a valid maximum duration, and criteria that name declared record
 * types, attributes and values, and a `year` attribute where they count consecutive years.
 * (The legal basis and the presence of `max_duration` are shape checks.)
 */

import type { ProblemDetail } from '../errors.ts';
import { isObject, objectEntries, objectItems, policyProblem, quoteList, type Loose } from './document.ts';
import { checkAttributeValues } from './check-record-types.ts';
import { checkDuration } from './durations.ts';
import type { PathSegment } from './paths.ts';

/** Every semantic problem in `lists`. */
export function checkLists(document: Loose): ProblemDetail[] {
  const recordTypes = new Map(objectEntries(document.record_types));
  return objectEntries(document.lists).flatMap(([id, list]) => {
    const at: PathSegment[] = ['lists', id];
    return [
      ...checkDuration([...at, 'max_duration'], list.max_duration),
      ...objectItems(list.criteria).flatMap(([index, criterion]) =>
        checkCriterion([...at, 'criteria', index], criterion, recordTypes),
      ),
    ];
  });
}

function checkCriterion(at: PathSegment[], criterion: Loose, recordTypes: ReadonlyMap<string, Loose>): ProblemDetail[] {
  if (typeof criterion.record_type !== 'string') return [];
  const type = recordTypes.get(criterion.record_type);
  if (type === undefined) {
    const message = `unknown record type "${criterion.record_type}"; declared: ${quoteList(recordTypes.keys())}`;
    return [policyProblem([...at, 'record_type'], message)];
  }
  const problems = isObject(criterion.where) ? checkAttributeValues([...at, 'where'], type, criterion.where) : [];
  if (criterion.consecutive_years !== undefined && !(isObject(type.attributes) && isObject(type.attributes.year))) {
    const message = `counts consecutive years: record type "${criterion.record_type}" must declare a "year" attribute`;
    problems.push(policyProblem([...at, 'consecutive_years'], message));
  }
  return problems;
}
