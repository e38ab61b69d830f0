import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../src/domain/canonical.ts';

/** The encoding as first written (entries filtered, sorted and joined): what every stored hash was made with. */
function reference(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError('canonical JSON has no encoding for non-finite numbers');
  return JSON.stringify(value);
}

const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, 1.5e300, ''),
    fc.string({ unit: 'binary' }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('value'), { maxKeys: 6 }),
  ),
})).value;

test('canonical JSON is byte for byte the encoding every stored hash was made with', () => {
  fc.assert(
    fc.property(values, (value) => canonicalJson(value) === reference(value)),
    { numRuns: 3000 },
  );
  assert.equal(
    canonicalJson({ b: [1, undefined, { d: undefined, c: 'é' }], a: new Date(0) }),
    reference({
      b: [1, undefined, { d: undefined, c: 'é' }],
      a: new Date(0),
    }),
  );
  assert.throws(() => canonicalJson({ a: [Number.POSITIVE_INFINITY] }), TypeError);
});
