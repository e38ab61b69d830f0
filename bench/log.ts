/**
 * The transparency log in the bench (issue 9). Its integration rate: every ledger event the import appended,
 * folded into the Merkle tree (hash tiles in PostgreSQL) in the integrator's batches, each batch closing with a
 * signed checkpoint; target at least 50,000 entries a second (Tessera's POSIX log does about 10,000). The log
 * running in this process as the server runs it, for the import with the log on. And the latency from a write
 * to a published checkpoint cosigned by one local witness; target at most 2,000 ms p99.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { generateKeyPair, type NoteSigner, parseSignerKey } from '../src/domain/log/note-keys.ts';
import type { RecordInput } from '../src/domain/record-input.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { logPublicationStatus } from '../src/services/ledger/log-publication.service.ts';
import type { Registry } from '../src/services/runtime/open-registry.ts';
import type { Runtime } from '../src/services/runtime/runtime.ts';
import { startLog } from '../src/server.ts';
import { getLedgerHeadSeq } from '../src/store/ledger.repository.ts';

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

/** Integrates every entry not yet in the tree, up to the ledger's head: how many, and in how many ms. */
export async function measureLogIntegration(rt: Runtime, signer: NoteSigner): Promise<{ entries: number; ms: number }> {
  const started = performance.now();
  let entries = 0;
  for (;;) {
    const { added } = await integrateLog(rt, signer);
    if (added === 0) break;
    entries += added;
  }
  return { entries, ms: performance.now() - started };
}

const POLL_MS = 10;
const CATCH_UP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `size()` covers the ledger's head (every event so far), or throws after the timeout. */
async function waitForSize(db: Runtime['db'], size: () => Promise<number>, what: string): Promise<void> {
  const head = Number(await getLedgerHeadSeq(db));
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  while ((await size()) < head) {
    if (Date.now() > deadline) throw new Error(`the ${what} did not reach ledger seq ${head} in time`);
    await sleep(POLL_MS);
  }
}

/**
 * Runs `work` with the log on in this process exactly as the server runs it (startLog: the start-up check, the
 * background integrator, witness submission to the witnesses `logEnv` names), once the log has caught up with the
 * ledger, so that `work` pays for its own entries only; stops it afterwards.
 */
export async function withLogOn<T>(
  registry: Registry,
  signer: NoteSigner,
  logEnv: Readonly<Record<string, string>>,
  work: () => Promise<T>,
): Promise<T> {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const running = await startLog(registry, signer, loadConfig(logEnv), logger);
  try {
    const published = async () => (await logPublicationStatus(registry.rt)).published_size ?? 0;
    await waitForSize(registry.rt.db, published, 'published checkpoint');
    return await work();
  } finally {
    await running.stop();
  }
}

/** The tree size of the checkpoint `GET /log/checkpoint` publishes (0 before there is one). */
async function publishedSize(serverUrl: string): Promise<number> {
  const response = await fetch(`${serverUrl}/log/checkpoint`);
  if (!response.ok) return 0;
  // c2sp.org/tlog-checkpoint: the origin line, then the decimal tree size.
  return Number((await response.text()).split('\n')[1]);
}

/** Waits until the server publishes a checkpoint covering every ledger event so far. */
export function waitForPublication(serverUrl: string, db: Runtime['db']): Promise<void> {
  return waitForSize(db, () => publishedSize(serverUrl), 'published checkpoint');
}

/** The nearest-rank percentile `p` (0 to 100) of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface PublishLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
}

/**
 * Commit to publication, one write at a time: files each of `inputs` as one record over HTTP with an agency key,
 * then polls `GET /log/checkpoint` until the published (cosigned) tree covers the ledger's head, which the write's
 * events are in. Each latency runs from sending the write, so it bounds the time from its commit from above.
 */
export async function measurePublishLatency(
  serverUrl: string,
  agencyKey: string,
  db: Runtime['db'],
  inputs: readonly RecordInput[],
): Promise<PublishLatency> {
  const headers = { authorization: `Bearer ${agencyKey}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  for (const input of inputs) {
    const sent = performance.now();
    const response = await fetch(`${serverUrl}/v1/records`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ records: [input] }),
    });
    const body = (await response.json()) as { accepted?: { status: string }[] };
    if (!response.ok || body.accepted?.[0]?.status !== 'created')
      throw new Error(`filing a record answered ${response.status}: ${JSON.stringify(body)}`);
    await waitForPublication(serverUrl, db);
    latencies.push(performance.now() - sent);
  }
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), samples: latencies.length };
}
