/**
 * Witnesses for the log tests: a log key pair made up front (so witnesses can start before the registry that
 * signs with it), written to a key file for CREDENCE_LOG_KEY_FILE, and real witness apps (`credence witness
 * serve`'s app) listening on 127.0.0.1.
 */

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateKeyPair } from '../../src/domain/log/note-keys.ts';
import { openWitnessApp } from '../../src/witness/witness-server.ts';

const ORIGIN = 'registry.test/ledger';

/** The test log's origin and key pair. */
export const LOG_KEYS = { origin: ORIGIN, ...generateKeyPair(ORIGIN) };

/** Writes the log's signer key to `dir/log.key` (mode 0600); returns its path. */
export async function writeLogKeyFile(dir: string): Promise<string> {
  const file = path.join(dir, 'log.key');
  await writeFile(file, `${LOG_KEYS.signerKey}\n`, { mode: 0o600 });
  return file;
}

/** A witness app of the log `keys`, listening on 127.0.0.1 (`port` 0: any), its state in `dataDir`. */
export async function startLogWitness(keys: { readonly verifierKey: string }, name: string, dataDir: string, port = 0) {
  const options = { dataDir, name, logKeys: [keys.verifierKey], log: () => undefined };
  const { app, verifierKey } = await openWitnessApp(options, () => new Date());
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { url, verifierKey, port: Number(new URL(url).port), dataDir, stop: () => app.close() };
}

/** A running witness. */
export type Witness = Awaited<ReturnType<typeof startLogWitness>>;
