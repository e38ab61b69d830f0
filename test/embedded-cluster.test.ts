import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { attachEmbeddedCluster } from '../src/store/embedded/embedded-cluster.ts';
import { resolveServerUser } from '../src/store/embedded/os-user.ts';
import { loadPgBinaries, runPgTool } from '../src/store/embedded/pg-binaries.ts';
import { binariesForServerAccount } from '../src/store/embedded/pg-relocate.ts';

// Its own cluster in a temporary data directory, not the test run's.
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'credence-cluster-'));
  await chmod(dataDir, 0o755); // as root the cluster runs as the postgres OS user, which must reach it
});

after(async () => {
  if ((await pgCtl('status')) === 0) await pgCtl('stop', '-m', 'immediate');
  await rm(dataDir, { recursive: true, force: true });
});

/** pg_ctl's exit status for the test cluster: for `status`, 0 is running and 3 is stopped. */
async function pgCtl(...args: string[]): Promise<number | null> {
  const [found, user] = await Promise.all([loadPgBinaries(), resolveServerUser(() => undefined)]);
  const binaries = user === undefined ? found : await binariesForServerAccount(found, () => undefined);
  const clusterDir = path.join(dataDir, 'postgres');
  return (await runPgTool(binaries.pg_ctl, [...args, '-D', clusterDir], { user, cwd: dataDir })).code;
}

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

const PG_CTL_NOT_RUNNING = 3;

describe('the embedded cluster', () => {
  test('is shared by the processes attached to it and stopped by the last to release it', async () => {
    const first = await attachEmbeddedCluster({ dataDir, database: 'app' });
    const second = await attachEmbeddedCluster({ dataDir, database: 'app' });
    assert.equal(second.port, first.port);
    assert.deepEqual(await query(first.url, 'select 1 as one'), [{ one: 1 }]);

    await first.release();
    assert.deepEqual(await query(second.url, 'select current_database() as name'), [{ name: 'app' }]);
    assert.equal(await pgCtl('status'), 0);

    await second.release();
    assert.equal(await pgCtl('status'), PG_CTL_NOT_RUNNING);
  });

  test('starts again on the next attach, with its data', async () => {
    const before = await attachEmbeddedCluster({ dataDir, database: 'app' });
    await query(before.url, "create table kept (note text); insert into kept values ('still here')");
    await before.release();
    assert.equal(await pgCtl('status'), PG_CTL_NOT_RUNNING);

    const again = await attachEmbeddedCluster({ dataDir, database: 'app' });
    try {
      assert.deepEqual(await query(again.url, 'select note from kept'), [{ note: 'still here' }]);
    } finally {
      await again.release();
    }
  });

  test('says so when a process loses its attach connection, and leaves the server running', async () => {
    const messages: string[] = [];
    const log = (message: string): number => messages.push(message);
    const cluster = await attachEmbeddedCluster({ dataDir, database: 'app', log });
    await query(
      cluster.adminUrl,
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'credence-attach'",
    );
    await waitFor(() => messages.some((message) => message.startsWith('lost the embedded PostgreSQL attach')));

    await cluster.release();
    assert.equal(await pgCtl('status'), 0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
