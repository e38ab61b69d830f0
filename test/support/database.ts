/**
 * A fresh PostgreSQL database per test file, on the server test/run.ts chose for the run
 * (it passes an admin URL in CREDENCE_TEST_ADMIN_URL).
 *
 *   const database = await createTestDatabase();
 *   after(() => database.drop());
 *
 * The database is empty: no migrations are applied.
 */

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Connection URL for the new database, with the admin's credentials. */
  readonly url: string;
  /** Ends every connection to the database and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.CREDENCE_TEST_ADMIN_URL;
  if (!adminUrl) {
    throw new Error(
      'CREDENCE_TEST_ADMIN_URL is not set: test files need the harness, which provides PostgreSQL. ' +
        'Run `node test/run.ts test/FILE.test.ts` (or `npm test`) instead of `node --test`.',
    );
  }
  // Unique per process and call; lower case and unquoted-safe.
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)),
  };
}

async function withAdmin(adminUrl: string, action: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'credence-test-admin' });
  await client.connect();
  try {
    await action(client);
  } finally {
    await client.end();
  }
}
