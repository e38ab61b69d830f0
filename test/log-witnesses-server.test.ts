/**
 * The server process with a witness (issue 9, item 4): `credence serve` with CREDENCE_LOG_WITNESSES submits its
 * checkpoints in the background and publishes at /log/checkpoint only the cosigned one.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCheckpoint } from '../src/domain/log/checkpoint.ts';
import { parseCosignatureVerifierKey } from '../src/domain/log/cosignature.ts';
import { parseVerifierKey } from '../src/domain/log/note-keys.ts';
import { createTestDatabase } from './support/database.ts';
import { LOG_KEYS, startLogWitness, writeLogKeyFile } from './support/witnesses.ts';

let scratch: string;
before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-log-witnesses-server-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

describe('the server process', () => {
  test('submits its checkpoints to the configured witness and publishes the cosigned one', async () => {
    const database = await createTestDatabase();
    const witness = await startLogWitness(LOG_KEYS, 'w3.example.org/witness', path.join(scratch, 'w3'));
    const child = spawn(process.execPath, ['bin/credence.js', 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        CREDENCE_DATA_DIR: path.join(scratch, 'server'),
        CREDENCE_LOG_ORIGIN: LOG_KEYS.origin,
        CREDENCE_LOG_KEY_FILE: await writeLogKeyFile(scratch),
        CREDENCE_LOG_WITNESSES: `${witness.url} ${witness.verifierKey}`,
        PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
    try {
      const url = await poll(
        () => /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1],
        () => output,
      );
      // The policy's activation is in the ledger: its checkpoint is signed, submitted and cosigned on its own.
      const note = await poll(
        async () => {
          const response = await fetch(`${url}/log/checkpoint`);
          return response.status === 200 ? response.text() : undefined;
        },
        () => output,
      );
      const cosigners = [parseCosignatureVerifierKey(witness.verifierKey)];
      const opened = openCheckpoint(note, { log: parseVerifierKey(LOG_KEYS.verifierKey), cosigners });
      assert.equal(opened.cosignatures.length, 1);
      const { log } = (await (await fetch(`${url}/health`)).json()) as {
        log: { published_size: number; witnesses: { cosigned_size: number }[] };
      };
      assert.equal(log.published_size, opened.checkpoint.size);
      assert.equal(log.witnesses[0]!.cosigned_size, opened.checkpoint.size);
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      await witness.stop();
      await database.drop();
      assert.equal(code, 0, output);
    }
  });
});

/**
 * Polls `read` every 50 ms until it gives a value; fails with `context()` after 60 s. A limit on waiting, not a
 * timing assertion: a loaded 2-core machine can take over 10 s to start a server process.
 */
async function poll<T>(read: () => T | undefined | Promise<T | undefined>, context: () => string): Promise<T> {
  for (const started = Date.now(); Date.now() - started < 60_000; ) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out: ${context()}`);
}
