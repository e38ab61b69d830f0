import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Policy } from '../src/domain/policy.ts';
import { loadPolicy } from '../src/policy/index.ts';
import { DecisionIndex, STALE } from '../src/services/decisions/decision-index.ts';
import { StateTable } from '../src/services/decisions/state-table.ts';
import { aResidentId } from './support/factories.ts';

let policy: Policy;
before(async () => {
  policy = await loadPolicy('policies/default');
});

const ids = Array.from({ length: 400 }, () => aResidentId());

describe('DecisionIndex shards (one scheme may hold more than a Map can)', () => {
  test('identifiers spread over every shard, and each is found, updated and deleted in its own', () => {
    const index = new DecisionIndex(policy, { shards: 4 });
    const listed = index.encode('B', ['judgment-defaulters']);
    const both = index.encode('C', ['judgment-defaulters', 'serious-dishonesty']);
    for (const id of ids) index.set('cn-rid', id, listed);
    const sizes = index.shardSizes('cn-rid');
    assert.equal(sizes.length, 4);
    assert.ok(
      sizes.every((n) => n > 40),
      `400 resident IDs over 4 shards: ${sizes.join(', ')}`,
    );
    assert.equal(index.size, ids.length);
    for (const id of ids) assert.equal(index.code('cn-rid', id), listed);
    for (const id of ids.slice(0, 200)) index.set('cn-rid', id, both);
    for (const id of ids.slice(100, 300)) index.set('cn-rid', id, index.baseCode);
    assert.equal(index.size, 200);
    for (const [i, id] of ids.entries()) {
      const expected = i < 100 ? both : i < 300 ? index.baseCode : listed;
      assert.equal(index.code('cn-rid', id), expected, `identifier ${i}`);
    }
    assert.equal(index.code('cn-uscc', ids[0]!), index.baseCode, 'schemes stay apart');
  });

  test('any sequence of sets and deletes reads back as a plain Map would hold it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 5 })), { maxLength: 300 }),
        (shardBits, operations) => {
          const table = new StateTable(1 << shardBits);
          const expected = new Map<string, number>();
          for (const [n, code] of operations) {
            const value = `9${n}`;
            // Code 0 stands for a delete (the base state is not stored).
            if (code === 0) {
              table.delete(value);
              expected.delete(value);
            } else {
              table.set(value, code, n);
              expected.set(value, code);
            }
          }
          assert.equal(table.size, expected.size);
          for (let n = 0; n <= 60; n += 1) assert.equal(table.code(`9${n}`, 0), expected.get(`9${n}`) ?? 0);
        },
      ),
    );
  });

  test('values of any length and script, deleted and set again many times over, read back as a Map holds them', () => {
    // Long and non-ASCII values, and more deletes than sets at times: the key bytes are compacted, the tables grow.
    const values = Array.from({ length: 3000 }, (_, n) =>
      n % 3 === 0 ? `9${n}` : n % 3 === 1 ? `统一社会信用代码-${n}-${'x'.repeat(n % 50)}` : `${'0'.repeat(n % 70)}${n}`,
    );
    const table = new StateTable(4);
    table.reserve(1000, 20_000); // as the warm-up sizes a table for its sample's estimate: beyond it, it grows
    const expected = new Map<string, number>();
    let seed = 7;
    const random = (below: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % below;
    };
    for (let step = 0; step < 60_000; step += 1) {
      const value = values[random(values.length)]!;
      if (random(5) < 2) {
        table.delete(value);
        expected.delete(value);
      } else {
        const code = 1 + random(1000);
        table.set(value, code, step);
        expected.set(value, code);
      }
    }
    assert.equal(table.size, expected.size);
    for (const value of values) assert.equal(table.code(value, 0), expected.get(value) ?? 0, value);
    const bytes = Buffer.from(`..${values[1]!}..`);
    table.setBytes(bytes, 2, bytes.length - 2, 5, 0);
    assert.equal(table.code(values[1]!, 0), 5, 'set by its UTF-8 bytes, found by its string');
    table.deleteBytes(bytes, 2, bytes.length - 2);
    assert.equal(table.code(values[1]!, 0), 0);
    assert.equal(table.code('\ud800', 0), 0, 'a lone surrogate is no stored value');
  });

  test('the shard count must be a power of two', () => {
    assert.throws(() => new StateTable(3), RangeError);
    assert.throws(() => new StateTable(0), RangeError);
  });
});

describe('DecisionIndex next change', () => {
  const at = new Date('2028-10-01T00:00:00.700Z');

  test('an entry is stale from its next change on, to the second, and never without one', () => {
    const index = new DecisionIndex(policy, { shards: 2 });
    const listed = index.encode('B', ['judgment-defaulters']);
    index.set('cn-rid', ids[0]!, listed, at);
    index.set('cn-rid', ids[1]!, listed, null);
    assert.equal(index.freshCode('cn-rid', ids[0]!, new Date('2028-09-30T23:59:59.900Z')), listed);
    assert.equal(index.freshCode('cn-rid', ids[0]!, new Date('2028-10-01T00:00:00Z')), STALE, 'rounded down');
    assert.equal(index.freshCode('cn-rid', ids[0]!, new Date('2030-01-01T00:00:00Z')), STALE);
    assert.equal(index.freshCode('cn-rid', ids[1]!, new Date('2100-01-01T00:00:00Z')), listed);
    assert.equal(index.freshCode('cn-rid', ids[2]!, new Date('2100-01-01T00:00:00Z')), index.baseCode);
    assert.deepEqual(index.nextChange('cn-rid', ids[0]!), new Date('2028-10-01T00:00:00Z'));
    assert.equal(index.nextChange('cn-rid', ids[1]!), null);
    assert.equal(index.code('cn-rid', ids[0]!), listed, 'code() reads the entry as indexed, stale or not');
  });

  test('re-indexing a subject moves its next change; an instant before 1970 is due at once', () => {
    const index = new DecisionIndex(policy);
    const listed = index.encode('D', []);
    index.set('cn-rid', ids[0]!, listed, at);
    index.set('cn-rid', ids[0]!, listed, new Date('2030-10-01T00:00:00Z'));
    assert.equal(index.freshCode('cn-rid', ids[0]!, new Date('2029-01-01T00:00:00Z')), listed);
    index.set('cn-rid', ids[0]!, listed, new Date(-1000));
    assert.equal(index.freshCode('cn-rid', ids[0]!, new Date(0)), STALE);
  });
});
