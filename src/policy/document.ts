/**
 * Reading a policy document that may not have the expected shape. The semantic checks run even
 * when the schema check failed, so that every problem is reported at once; they read the
 * document through these helpers and skip what is malformed (the schema check reports that).
 */

import type { ProblemDetail } from '../errors.ts';
import { formatPath, type PathSegment } from './paths.ts';

export type Loose = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The entries of an id-keyed section whose values are objects. */
export function objectEntries(value: unknown): [string, Loose][] {
  if (!isObject(value)) return [];
  return Object.entries(value).filter((entry): entry is [string, Loose] => isObject(entry[1]));
}

/** The keys of an object, or none. */
export function keysOf(value: unknown): string[] {
  return isObject(value) ? Object.keys(value) : [];
}

/** The string items of an array with their indices, skipping anything else. */
export function stringItems(value: unknown): [number, string][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index): [number, string][] => (typeof item === 'string' ? [[index, item]] : []));
}

/** The object items of an array with their indices, skipping anything else. */
export function objectItems(value: unknown): [number, Loose][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index): [number, Loose][] => (isObject(item) ? [[index, item]] : []));
}

/** A policy problem at `segments`. */
export function policyProblem(segments: readonly PathSegment[], message: string): ProblemDetail {
  return { code: 'CRD_POLICY_INVALID', path: formatPath(segments), message };
}

/** `"a", "b", "c"` for messages that list what was declared. */
export function quoteList(values: Iterable<string>): string {
  const list = [...values].map((v) => JSON.stringify(v)).join(', ');
  return list === '' ? 'none' : list;
}
