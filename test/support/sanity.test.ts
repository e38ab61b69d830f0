import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from './database.ts';

const database = await createTestDatabase();
after(() => database.drop());

test('the harness gives each test file its own empty PostgreSQL database', async () => {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number; name: string }>('select 1 as one, current_database() as name');
    assert.deepEqual(rows, [{ one: 1, name: new URL(database.url).pathname.slice(1) }]);
  } finally {
    await client.end();
  }
});
