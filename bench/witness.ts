/**
 * One local witness for the bench's log (issue 9): `credence witness serve` as a child process, with its own
 * data directory and key, witnessing the bench log's verifier key.
 */

import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Child, childDataDir, freePort, startChild } from './child.ts';

const CREDENCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/credence.js');

/** A running witness and the server environment that submits to it, as the only witness (quorum 1). */
export interface WitnessChild extends Child {
  readonly verifierKey: string;
  readonly serverEnv: Readonly<Record<string, string>>;
}

/** Creates a witness key in a fresh directory and serves `credence witness serve --log <logKey>` on a free port. */
export async function startWitnessChild(logKey: string, log: (message: string) => void): Promise<WitnessChild> {
  const dataDir = childDataDir('witness');
  const { stdout } = await promisify(execFile)(process.execPath, [
    CREDENCE,
    'witness',
    'key',
    '--data-dir',
    dataDir,
    '--name',
    'bench.invalid/witness',
  ]);
  const verifierKey = stdout.trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(
    {
      name: 'witness',
      args: [
        CREDENCE,
        'witness',
        'serve',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
        '--log',
        logKey,
      ],
      env: { LOG_LEVEL: 'warn' },
      url,
      dataDir,
      // Up once it answers at all: it has no route but POST /add-checkpoint.
      ready: async (base) => (await fetch(base)).status > 0,
    },
    log,
  );
  return {
    ...child,
    verifierKey,
    serverEnv: { CREDENCE_LOG_WITNESSES: `${url} ${verifierKey}`, CREDENCE_LOG_WITNESS_QUORUM: '1' },
  };
}
