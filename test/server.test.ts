import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;
let dataDir: string;
before(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'credence-server-'));
});
after(async () => {
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the server process', () => {
  test('starts on a database, migrates, serves, and drains on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/credence.js', 'serve'], {
      env: { ...process.env, DATABASE_URL: database.url, CREDENCE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /"url":"(http:\/\/[^"]+)"/.exec(log);
        if (match) {
          clearInterval(timer);
          resolve(match[1]!);
        }
        if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`server exited: ${log}`));
        }
      }, 50);
    });
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string; policy_version: string };
    assert.equal(health.status, 'ok');
    // The log's signing key was created in the data directory at start, named for the default origin.
    assert.match(
      await (await fetch(`${url}/log/key`)).text(),
      /^localhost:0\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}\n$/,
    );
    const unauthenticated = await fetch(`${url}/v1/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(unauthenticated.status, 401);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, log);
    assert.match(log, /shutting down/);
    assert.match(log, /"msg":"stopped"/);
  });
});
