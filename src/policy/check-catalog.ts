/**
 * Semantic checks on scoring and identifier schemes: grade bands strictly descending with
 * unique names, and each scheme with exactly one of a check-digit algorithm or a valid pattern.
 */

import type { ProblemDetail } from '../errors.ts';
import { isObject, objectEntries, objectItems, policyProblem, type Loose } from './document.ts';

/** Grades are listed highest first, so evaluation can take the first band a score reaches. */
export function checkScoring(document: Loose): ProblemDetail[] {
  if (!isObject(document.scoring)) return [];
  const problems: ProblemDetail[] = [];
  const seen = new Set<unknown>();
  let previous: number | undefined;
  for (const [index, band] of objectItems(document.scoring.grades)) {
    if (seen.has(band.grade))
      problems.push(
        policyProblem(['scoring', 'grades', index, 'grade'], `grade "${String(band.grade)}" appears twice`),
      );
    seen.add(band.grade);
    if (typeof band.min !== 'number') continue;
    if (previous !== undefined && band.min >= previous) {
      const message =
        `${band.min} must be lower than the previous band's minimum ` + `${previous}: grades are listed highest first`;
      problems.push(policyProblem(['scoring', 'grades', index, 'min'], message));
    }
    previous = band.min;
  }
  return problems;
}

/** Built-in schemes carry a check-digit algorithm; deployment schemes a regular expression. */
export function checkIdentifierSchemes(document: Loose): ProblemDetail[] {
  return objectEntries(document.identifier_schemes).flatMap(([id, scheme]): ProblemDetail[] => {
    if ((scheme.check === undefined) === (scheme.pattern === undefined)) {
      return [
        policyProblem(['identifier_schemes', id], 'give exactly one of "check" (built-in algorithm) and "pattern"'),
      ];
    }
    if (typeof scheme.pattern !== 'string') return [];
    try {
      new RegExp(scheme.pattern, 'u');
      return [];
    } catch (error) {
      return [
        policyProblem(
          ['identifier_schemes', id, 'pattern'],
          `is not a valid regular expression: ${(error as Error).message}`,
        ),
      ];
    }
  });
}
