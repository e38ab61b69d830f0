/**
 * Semantic checks on measures: each binds exactly one list or a set of grades, to declared
 * actions, and a sanction (`deny`, `restrict`) rests on a sanction list, never on a grade or a
 * reward list (DESIGN: "no sanction from a score alone").
 */

import type { ProblemDetail } from '../errors.ts';
import { SANCTION_EFFECTS, type Effect } from '../domain/policy.ts';
import {
  isObject,
  keysOf,
  objectEntries,
  objectItems,
  policyProblem,
  quoteList,
  stringItems,
  type Loose,
} from './document.ts';
import type { PathSegment } from './paths.ts';

interface Declared {
  readonly lists: ReadonlyMap<string, Loose>;
  readonly actions: ReadonlySet<string>;
  readonly grades: ReadonlySet<string>;
}

/** Every semantic problem in `measures`. */
export function checkMeasures(document: Loose): ProblemDetail[] {
  const grades = objectItems(isObject(document.scoring) ? document.scoring.grades : undefined)
    .map(([, band]) => band.grade)
    .filter((grade): grade is string => typeof grade === 'string');
  const declared: Declared = {
    lists: new Map(objectEntries(document.lists)),
    actions: new Set(keysOf(document.actions)),
    grades: new Set(grades),
  };
  return objectEntries(document.measures).flatMap(([id, measure]) => {
    const at: PathSegment[] = ['measures', id];
    return [
      ...checkBinding(at, measure, declared),
      ...checkActions(at, measure, declared),
      ...checkSanction(at, measure, declared),
    ];
  });
}

/** Exactly one of `list` and `grades`, naming what the policy declares. */
function checkBinding(at: PathSegment[], measure: Loose, declared: Declared): ProblemDetail[] {
  const hasList = measure.list !== undefined;
  const hasGrades = measure.grades !== undefined;
  if (hasList === hasGrades) {
    return [policyProblem(at, `a measure binds either a list or grades: give exactly one of "list" and "grades"`)];
  }
  if (typeof measure.list === 'string' && !declared.lists.has(measure.list)) {
    return [
      policyProblem([...at, 'list'], `unknown list "${measure.list}"; declared: ${quoteList(declared.lists.keys())}`),
    ];
  }
  return stringItems(measure.grades)
    .filter(([, grade]) => !declared.grades.has(grade))
    .map(([index, grade]) =>
      policyProblem(
        [...at, 'grades', index],
        `unknown grade "${grade}"; scoring declares: ${quoteList(declared.grades)}`,
      ),
    );
}

function checkActions(at: PathSegment[], measure: Loose, declared: Declared): ProblemDetail[] {
  return stringItems(measure.actions)
    .filter(([, action]) => !declared.actions.has(action))
    .map(([index, action]) =>
      policyProblem([...at, 'actions', index], `unknown action "${action}"; declared: ${quoteList(declared.actions)}`),
    );
}

/** `deny` and `restrict` need a sanction list: not grades, not a reward list. */
function checkSanction(at: PathSegment[], measure: Loose, declared: Declared): ProblemDetail[] {
  const effect = measure.effect;
  if (typeof effect !== 'string' || !SANCTION_EFFECTS.includes(effect as Effect)) return [];
  if (measure.grades !== undefined && measure.list === undefined) {
    const message =
      `a "${effect}" measure cannot be bound to grades: ` +
      'scores and grades may only expedite, waive or ask for review (DESIGN: no sanction from a score alone)';
    return [policyProblem([...at, 'effect'], message)];
  }
  const list = typeof measure.list === 'string' ? declared.lists.get(measure.list) : undefined;
  if (list?.kind === 'reward') {
    const message =
      `a "${effect}" measure cannot be bound to reward list "${String(measure.list)}": ` +
      'sanctions need a sanction list';
    return [policyProblem([...at, 'effect'], message)];
  }
  return [];
}
