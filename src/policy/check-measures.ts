/**
 * Semantic checks on measures: each binds exactly one list or a set of grades, to declared
 * actions; a measure bound to grades only rewards (`expedite`, `waive`): no unfavourable
 * treatment from a score (EU AI Act art. 5(1)(c); PIPL art. 24); and a sanction (`deny`,
 * `restrict`) rests on a sanction list, never on a reward list.
 */

import type { ProblemDetail } from '../errors.ts';
import { OUTCOME_PRECEDENCE, SANCTION_EFFECTS, type Effect } from '../domain/policy.ts';
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
      ...checkGradeReward(at, measure),
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

/** The effects a score or grade may have: rewards only. */
const REWARD_EFFECTS: readonly Effect[] = ['expedite', 'waive'];

/**
 * A measure bound to grades only rewards. EU AI Act art. 5(1)(c) prohibits detrimental or unfavourable treatment
 * from a social score; PIPL art. 24 gives a person the right to refuse a decision made solely by automated
 * decision-making that significantly affects them. So a grade (an aggregate score) may expedite or waive, never
 * `deny`, `restrict` or send to `review`; those need a list resting on an authority's record. An effect the
 * schema does not know is left to the schema check.
 */
function checkGradeReward(at: PathSegment[], measure: Loose): ProblemDetail[] {
  const effect = measure.effect;
  // A measure naming both a list and grades is refused by checkBinding already.
  if (measure.grades === undefined || measure.list !== undefined || typeof effect !== 'string') return [];
  if (effect === 'allow' || !OUTCOME_PRECEDENCE.includes(effect as Effect)) return [];
  if (REWARD_EFFECTS.includes(effect as Effect)) return [];
  const message =
    `a measure bound to grades may only reward (${REWARD_EFFECTS.join(', ')}), not "${effect}": ` +
    'no unfavourable treatment from a score (EU AI Act art. 5(1)(c); PIPL art. 24)';
  return [policyProblem([...at, 'effect'], message)];
}

/** `deny` and `restrict` need a sanction list, not a reward list (grades: see checkGradeReward). */
function checkSanction(at: PathSegment[], measure: Loose, declared: Declared): ProblemDetail[] {
  const effect = measure.effect;
  if (typeof effect !== 'string' || !SANCTION_EFFECTS.includes(effect as Effect)) return [];
  const list = typeof measure.list === 'string' ? declared.lists.get(measure.list) : undefined;
  if (list?.kind === 'reward') {
    const message =
      `a "${effect}" measure cannot be bound to reward list "${String(measure.list)}": ` +
      'sanctions need a sanction list';
    return [policyProblem([...at, 'effect'], message)];
  }
  return [];
}
