/**
 * The transparency log's integration rate (issue 9): every ledger event the import appended, folded
 * into the Merkle tree (hash tiles in PostgreSQL) in the integrator's batches, each batch closing
 * with a signed checkpoint. Target from the issue: at least 50,000 entries a second (Tessera's
 * POSIX log does about 10,000).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPair, type NoteSigner, parseSignerKey } from '../src/domain/log/note-keys.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import type { Runtime } from '../src/services/runtime/runtime.ts';

const ORIGIN = 'bench.invalid/ledger';

/** The bench log's key: its signer, and the environment that gives the server child the same key. */
export interface BenchLogKey {
  readonly signer: NoteSigner;
  readonly serverEnv: Readonly<Record<string, string>>;
}

/** A fresh key pair in a temporary file (removed with the OS's temporary files). */
export function createBenchLogKey(): BenchLogKey {
  const { signerKey } = generateKeyPair(ORIGIN);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'credence-bench-log-')), 'signing.key');
  writeFileSync(file, `${signerKey}\n`, { mode: 0o600 });
  return {
    signer: parseSignerKey(signerKey),
    serverEnv: { CREDENCE_LOG_KEY_FILE: file, CREDENCE_LOG_ORIGIN: ORIGIN },
  };
}

/** Entries integrated per second, from an empty tree to the ledger's head; and how many. */
export async function measureLogIntegration(
  rt: Runtime,
  signer: NoteSigner,
): Promise<{ entries: number; perSecond: number }> {
  const started = performance.now();
  let entries = 0;
  for (;;) {
    const { added } = await integrateLog(rt, signer);
    if (added === 0) break;
    entries += added;
  }
  return { entries, perSecond: entries / ((performance.now() - started) / 1000) };
}
