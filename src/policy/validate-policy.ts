/**
 * Validates a merged policy document: the shape (JSON Schema), then every semantic rule, all
 * problems collected at once so that one run of `credence policy check` shows everything to fix.
 */

import type { ProblemDetail } from '../errors.ts';
import type { Policy } from '../domain/policy.ts';
import { buildPolicy } from './build-policy.ts';
import { checkIdentifierSchemes, checkScoring } from './check-catalog.ts';
import { checkAttributeLabels } from './check-labels.ts';
import { checkIndexLimits } from './check-limits.ts';
import { checkLists } from './check-lists.ts';
import { checkMeasures } from './check-measures.ts';
import { checkRecordTypes } from './check-record-types.ts';
import { checkRelationships } from './check-relationships.ts';
import { checkRepair } from './check-repair.ts';
import { checkSchema } from './check-schema.ts';
import { isObject, policyProblem } from './document.ts';
import { checkSpecialCategories } from './special-categories.ts';

export interface PolicyValidation {
  /** Present only when there are no problems. */
  readonly policy?: Policy;
  readonly problems: readonly ProblemDetail[];
}

/** Validates `document` (the merged YAML as plain data) and builds the frozen policy if valid. Pure. */
export function validatePolicyDocument(document: unknown): PolicyValidation {
  if (!isObject(document)) return { problems: [policyProblem([], 'a policy must be a mapping of sections')] };
  const problems = [
    ...checkSchema(document),
    ...checkSpecialCategories(document),
    ...checkScoring(document),
    ...checkIdentifierSchemes(document),
    ...checkRecordTypes(document),
    ...checkAttributeLabels(document),
    ...checkLists(document),
    ...checkMeasures(document),
    ...checkRelationships(document),
    ...checkRepair(document),
    ...checkIndexLimits(document),
  ];
  return problems.length > 0 ? { problems } : { policy: buildPolicy(document), problems };
}
