/**
 * Semantic checks on attribute labels: an attribute with an `enum` gives every value a label in
 * English and Chinese (the shape check sees to the languages), and labels only values it declares.
 */

import type { ProblemDetail } from '../errors.ts';
import { isObject, keysOf, objectEntries, policyProblem, quoteList, stringItems } from './document.ts';
import type { PathSegment } from './paths.ts';

/** Every label problem in `record_types`: a value without a label, a label without a value. */
export function checkAttributeLabels(document: Readonly<Record<string, unknown>>): ProblemDetail[] {
  return objectEntries(document.record_types).flatMap(([id, type]) =>
    objectEntries(type.attributes).flatMap(([name, spec]) => {
      const at: PathSegment[] = ['record_types', id, 'attributes', name, 'labels'];
      const values = stringItems(spec.enum).map(([, value]) => value);
      const labelled = keysOf(spec.labels);
      if (values.length === 0) {
        return isObject(spec.labels) ? [policyProblem(at, 'labels need an "enum" listing the values they label')] : [];
      }
      return [
        ...values
          .filter((value) => !labelled.includes(value))
          .map((value) =>
            policyProblem(
              [...at, value],
              'is required: every value of an enumeration has a label in English and Chinese',
            ),
          ),
        ...labelled
          .filter((value) => !values.includes(value))
          .map((value) =>
            policyProblem(
              [...at, value],
              `"${value}" is not a value of attribute "${name}"; allowed: ${quoteList(values)}`,
            ),
          ),
      ];
    }),
  );
}
