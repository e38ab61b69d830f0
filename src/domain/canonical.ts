/**
 * Canonical JSON: object keys sorted, no whitespace, dates as ISO 8601 strings. Two values that
 * mean the same encode to the same bytes, which is what ledger hashes and body digests need.
 */

import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('canonical JSON has no encoding for non-finite numbers');
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // Built by concatenation, without the arrays of entries a map and join would make: every ledger event and record
  // digest goes through here (a bulk import, thousands a second).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1)
      out += `${i === 0 ? '' : ','}${i in value ? canonicalJson(value[i]) : ''}`;
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortedKeys(object);
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const item = object[keys[i]!];
    if (item !== undefined) out += `${out.length === 1 ? '' : ','}${JSON.stringify(keys[i])}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/**
 * An object's keys in the order `Array.prototype.sort` puts strings (by UTF-16 code units, as `<` compares them),
 * sorted in place by insertion: objects here have a handful of keys, and `sort` allocated more than the keys array.
 */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j -= 1) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
