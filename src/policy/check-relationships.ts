/**
 * Semantic checks on related persons (Fa Shi [2015] 17 art. 3 para. 2): the `relationships` section grants filing
 * to declared agency kinds; a measure binds related persons only where it cites the law that says so (its
 * `binds_related.legal_basis`, a shape check), only as a sanction or review on a list that organisations can be on
 * (never a reward, never from a grade), only for roles the policy names, and is lifted only by a declared record
 * type about a person that names the organisation.
 */

import type { ProblemDetail } from '../errors.ts';
import { isObject, keysOf, objectEntries, policyProblem, quoteList, stringItems, type Loose } from './document.ts';
import type { PathSegment } from './paths.ts';

/** Every semantic problem in `relationships` and in the measures' `binds_related`. */
export function checkRelationships(document: Loose): ProblemDetail[] {
  const section = isObject(document.relationships) ? document.relationships : undefined;
  const agencyKinds = new Set(keysOf(document.agency_kinds));
  const problems = stringItems(section?.agency_kinds)
    .filter(([, kind]) => !agencyKinds.has(kind))
    .map(([index, kind]) =>
      policyProblem(
        ['relationships', 'agency_kinds', index],
        `unknown agency kind "${kind}"; declared: ${quoteList(agencyKinds)}`,
      ),
    );
  const roles = new Set(keysOf(section?.roles));
  const published = isObject(section?.published) ? section.published : undefined;
  const lists = new Set(keysOf(document.lists));
  for (const [index, list] of stringItems(published?.lists))
    if (!lists.has(list))
      problems.push(
        policyProblem(
          ['relationships', 'published', 'lists', index],
          `unknown list "${list}"; declared: ${quoteList(lists)}`,
        ),
      );
  for (const [index, role] of stringItems(published?.roles))
    if (!roles.has(role))
      problems.push(
        policyProblem(['relationships', 'published', 'roles', index], `role "${role}" is not in relationships.roles`),
      );
  for (const [id, measure] of objectEntries(document.measures)) {
    if (!isObject(measure.binds_related)) continue;
    problems.push(...checkBinding(['measures', id], measure, document, roles, section !== undefined));
  }
  return problems;
}

function checkBinding(
  at: PathSegment[],
  measure: Loose,
  document: Loose,
  roles: ReadonlySet<string>,
  declared: boolean,
): ProblemDetail[] {
  const binding = measure.binds_related as Loose;
  const problems: ProblemDetail[] = [];
  const here = [...at, 'binds_related'];
  if (measure.effect === 'expedite' || measure.effect === 'waive' || measure.grades !== undefined)
    problems.push(
      policyProblem(
        here,
        'only a sanction or review resting on a list binds related persons, never a reward or a grade',
      ),
    );
  const list =
    typeof measure.list === 'string' ? objectEntries(document.lists).find(([id]) => id === measure.list) : null;
  const kinds = list === undefined || list === null ? [] : stringItems(list[1].subject_kinds).map(([, k]) => k);
  if (list !== undefined && list !== null && !kinds.includes('organization'))
    problems.push(policyProblem(here, `list "${String(measure.list)}" has no organisations: no one is related to it`));
  if (!declared)
    problems.push(policyProblem(here, 'the policy has no "relationships" section: no relationship can be filed'));
  for (const [index, role] of stringItems(binding.roles))
    if (declared && !roles.has(role))
      problems.push(
        policyProblem([...here, 'roles', index], `role "${role}" is not in relationships.roles: ${quoteList(roles)}`),
      );
  return [...problems, ...checkExemption(here, binding, document)];
}

/** The exempting record type is declared, is about persons, and names the organisation (`organization` attribute). */
function checkExemption(at: PathSegment[], binding: Loose, document: Loose): ProblemDetail[] {
  if (typeof binding.exempted_by !== 'string') return [];
  const type = objectEntries(document.record_types).find(([id]) => id === binding.exempted_by)?.[1];
  if (type === undefined)
    return [policyProblem([...at, 'exempted_by'], `unknown record type "${binding.exempted_by}"`)];
  const attributes = isObject(type.attributes) ? type.attributes : {};
  const fits =
    stringItems(type.subject_kinds).some(([, kind]) => kind === 'person') &&
    isObject(attributes.organization) &&
    attributes.organization.required === true;
  if (fits) return [];
  const message =
    `record type "${binding.exempted_by}" must be about persons and require an "organization" attribute ` +
    '(the identifier of the organisation whose measures it lifts)';
  return [policyProblem([...at, 'exempted_by'], message)];
}
