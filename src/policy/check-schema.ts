/**
 * The shape check: runs the policy JSON Schema with Ajv (all errors) and turns each error into
 * a problem located by a path and phrased for the person who edits the YAML.
 */

import { Ajv, type ErrorObject } from 'ajv';
import type { ProblemDetail } from '../errors.ts';
import { policyProblem } from './document.ts';
import { pointerToSegments, type PathSegment } from './paths.ts';
import { POLICY_SCHEMA } from './policy-schema.ts';

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
const validateShape = ajv.compile(POLICY_SCHEMA);

const BOTH_LANGUAGES = 'is required: every text a person reads is given in English (en) and Chinese (zh)';

/** Messages for required fields whose absence breaks a promise DESIGN makes. */
const REQUIRED_MESSAGES: Readonly<Record<string, string>> = {
  legal_basis: 'is required: every record type, list and measure cites its legal basis (DESIGN: no secret lists)',
  max_duration: 'is required: every listing and record has a maximum duration (DESIGN: no unbounded listings)',
  exit:
    'is required: every list tells its subjects how to leave it: what to do, which agency decides, ' +
    'by when, and how to appeal (DESIGN: no listing without notice of the exit route)',
  en: BOTH_LANGUAGES,
  zh: BOTH_LANGUAGES,
};

/** Every shape problem in `document`, or none. */
export function checkSchema(document: unknown): ProblemDetail[] {
  if (validateShape(document)) return [];
  return (validateShape.errors ?? []).flatMap((error) => {
    const located = locate(document, error);
    return located === null ? [] : [policyProblem(located.segments, located.message)];
  });
}

function locate(document: unknown, error: ErrorObject): { segments: PathSegment[]; message: string } | null {
  const segments = pointerToSegments(document, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'propertyNames':
      return null; // reported by the inner error, which names the key
    case 'required': {
      const missing = String(params.missingProperty);
      return { segments: [...segments, missing], message: REQUIRED_MESSAGES[missing] ?? 'is required' };
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        segments: [...segments, field],
        message: `"${field}" is not a known field here; known: ${known.join(', ')}`,
      };
    }
    case 'enum':
      return {
        segments,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return locatePattern(segments, error);
    case 'type':
      return { segments, message: objectDescription(error) ?? error.message ?? 'has the wrong type' };
    default:
      return { segments, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** What an object schema (a text in both languages) says it must be: a plain string is not one. */
function objectDescription(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { type?: unknown; description?: string } | undefined;
  return schema?.type === 'object' ? schema.description : undefined;
}

/** A pattern error on an object key (`propertyName`) is located at that key. */
function locatePattern(segments: PathSegment[], error: ErrorObject): { segments: PathSegment[]; message: string } {
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  const message = description ?? error.message ?? 'has the wrong form';
  if (error.propertyName !== undefined)
    return { segments: [...segments, error.propertyName], message: `key ${message}` };
  return { segments, message };
}
