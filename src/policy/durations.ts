/**
 * Duration checks shared by record types and lists: an ISO 8601 duration of years, months,
 * weeks or days, and never longer than the maximum it falls under.
 */

import type { ProblemDetail } from '../errors.ts';
import { addDuration, parseDuration } from '../domain/duration.ts';
import { policyProblem } from './document.ts';
import type { PathSegment } from './paths.ts';

/** Durations are compared from a fixed day, so `P30D` and `P1M` compare the same way every time. */
const REFERENCE_DAY = new Date(Date.UTC(2001, 0, 1));

/** A problem if `value` is a string that is not a valid duration; nothing for other types. */
export function checkDuration(segments: PathSegment[], value: unknown): ProblemDetail[] {
  if (typeof value !== 'string' || parseDuration(value) !== null) return [];
  return [
    policyProblem(
      segments,
      `"${value}" is not an ISO 8601 duration of years, months, weeks or days (e.g. P2Y, P3M, P30D)`,
    ),
  ];
}

/** A problem if both are valid durations and `value` is longer than `max`. */
export function checkWithin(segments: PathSegment[], value: unknown, max: unknown): ProblemDetail[] {
  if (typeof value !== 'string' || typeof max !== 'string') return [];
  if (parseDuration(value) === null || parseDuration(max) === null) return [];
  if (addDuration(REFERENCE_DAY, value) <= addDuration(REFERENCE_DAY, max)) return [];
  return [policyProblem(segments, `"${value}" is longer than the maximum duration "${max}"`)];
}
