/**
 * Semantic checks on the record type catalog: agency kinds exist, durations are valid and
 * bounded, disclosure covers every subject kind, points agree with the tier, and variants only
 * match on declared attributes and values.
 */

import type { ProblemDetail } from '../errors.ts';
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
import { checkDuration, checkWithin } from './durations.ts';
import type { PathSegment } from './paths.ts';

/** Every semantic problem in `record_types`. */
export function checkRecordTypes(document: Loose): ProblemDetail[] {
  const agencyKinds = new Set(keysOf(document.agency_kinds));
  return objectEntries(document.record_types).flatMap(([id, type]) => {
    const at: PathSegment[] = ['record_types', id];
    return [
      ...checkAgencyKinds(at, type, agencyKinds),
      ...checkDuration([...at, 'duration'], type.duration),
      ...checkDuration([...at, 'max_duration'], type.max_duration),
      ...checkWithin([...at, 'duration'], type.duration, type.max_duration),
      ...checkDisclosure(at, type),
      ...checkPoints([...at, 'points'], type.tier, type.points),
      ...objectItems(type.variants).flatMap(([index, variant]) =>
        checkVariant([...at, 'variants', index], type, variant),
      ),
      ...checkExtension(at, type, document.record_types),
    ];
  });
}

/**
 * An extension (`extends`) names another declared type that is not itself an extension, and declares the
 * two attributes it works by: `listing`, required (the id of the record it lengthens), and `years`, required,
 * whose values are whole numbers of years from 1 (Fa Shi [2017] 7 art. 2: 1 to 3 years).
 */
function checkExtension(at: PathSegment[], type: Loose, types: unknown): ProblemDetail[] {
  if (typeof type.extends !== 'string') return [];
  const target = isObject(types) ? types[type.extends] : undefined;
  if (!isObject(target) || target.extends !== undefined) {
    const message = `must name a record type that is not itself an extension; declared: ${quoteList(keysOf(types))}`;
    return [policyProblem([...at, 'extends'], message)];
  }
  const attributes = isObject(type.attributes) ? type.attributes : {};
  const problems: ProblemDetail[] = [];
  for (const name of ['listing', 'years']) {
    const spec = attributes[name];
    if (!isObject(spec) || spec.required !== true)
      problems.push(policyProblem([...at, 'attributes', name], 'is required: an extension declares it, required'));
  }
  const years = isObject(attributes.years) ? stringItems(attributes.years.enum) : [];
  if (isObject(attributes.years) && years.length === 0)
    problems.push(policyProblem([...at, 'attributes', 'years', 'enum'], 'must list the allowed numbers of years'));
  for (const [index, value] of years)
    if (!/^[1-9][0-9]?$/.test(value))
      problems.push(
        policyProblem([...at, 'attributes', 'years', 'enum', index], `"${value}" is not a whole number of years`),
      );
  return problems;
}

function checkAgencyKinds(at: PathSegment[], type: Loose, declared: ReadonlySet<string>): ProblemDetail[] {
  return stringItems(type.agency_kinds)
    .filter(([, kind]) => !declared.has(kind))
    .map(([index, kind]) =>
      policyProblem([...at, 'agency_kinds', index], `unknown agency kind "${kind}"; declared: ${quoteList(declared)}`),
    );
}

/** Disclosure must say how each subject kind the type covers is disclosed. */
function checkDisclosure(at: PathSegment[], type: Loose): ProblemDetail[] {
  if (!isObject(type.disclosure)) return [];
  const disclosure = type.disclosure;
  return stringItems(type.subject_kinds)
    .filter(([, kind]) => disclosure[kind] === undefined)
    .map(([, kind]) => policyProblem([...at, 'disclosure', kind], `is required: the type covers ${kind} subjects`));
}

/** A positive record may not cost points and a negative one may not earn them. */
function checkPoints(path: PathSegment[], tier: unknown, points: unknown): ProblemDetail[] {
  if (typeof points !== 'number' || typeof tier !== 'string') return [];
  if (tier === 'positive' ? points >= 0 : points <= 0) return [];
  const expected = tier === 'positive' ? 'zero or more' : 'zero or less';
  return [policyProblem(path, `${points} points do not fit tier "${tier}": points must be ${expected}`)];
}

function checkVariant(at: PathSegment[], type: Loose, variant: Loose): ProblemDetail[] {
  const problems = [
    ...checkDuration([...at, 'duration'], variant.duration),
    ...checkWithin([...at, 'duration'], variant.duration, type.max_duration),
  ];
  if (variant.tier !== undefined || variant.points !== undefined) {
    const path = [...at, variant.points === undefined ? 'tier' : 'points'];
    problems.push(...checkPoints(path, variant.tier ?? type.tier, variant.points ?? type.points));
  }
  if (isObject(variant.when)) problems.push(...checkAttributeValues([...at, 'when'], type, variant.when));
  return problems;
}

/**
 * `values` maps attribute names to a value or a list of values; every name must be declared on
 * `type` and every value allowed by its enum. Used by variants (`when`) and list criteria (`where`).
 */
export function checkAttributeValues(at: PathSegment[], type: Loose, values: Loose): ProblemDetail[] {
  const attributes = isObject(type.attributes) ? type.attributes : {};
  return Object.entries(values).flatMap(([name, value]): ProblemDetail[] => {
    const spec = attributes[name];
    if (!isObject(spec)) {
      return [
        policyProblem(
          [...at, name],
          `attribute "${name}" is not declared on the record type; declared: ${quoteList(Object.keys(attributes))}`,
        ),
      ];
    }
    const allowed = stringItems(spec.enum).map(([, v]) => v);
    if (allowed.length === 0) return [];
    const items: [PathSegment[], unknown][] = Array.isArray(value)
      ? value.map((v, i) => [[...at, name, i], v])
      : [[[...at, name], value]];
    return items
      .filter(([, v]) => typeof v === 'string' && !allowed.includes(v))
      .map(([path, v]) =>
        policyProblem(path, `"${String(v)}" is not a value of attribute "${name}"; allowed: ${quoteList(allowed)}`),
      );
  });
}
