import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate, version } from 'uuid';
import { newRowId } from '../src/domain/row-id.ts';

test('row ids are version 7 UUIDs, made in increasing order across pools of random bits, showing their time', () => {
  const before = Date.now();
  const ids = Array.from({ length: 3000 }, () => newRowId()); // about twelve pools of 256
  const after = Date.now();
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(validate(id) && version(id) === 7, id);
  for (let i = 1; i < ids.length; i += 1) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} then ${ids[i]}`);
  const msecs = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
  assert.ok(msecs(ids[0]!) >= before && msecs(ids.at(-1)!) <= after + 1, 'the first 48 bits are the time');
});
