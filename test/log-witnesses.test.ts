/**
 * Witnessed publication of the log (issue 9, item 4, the registry's side): the registry submits each signed
 * checkpoint to real witness apps (`credence witness serve`'s app, listening on port 0), keeps only cosignatures
 * that verify with each witness's configured key, and publishes at /log/checkpoint only the latest checkpoint
 * the quorum cosigned. A stopped witness holds publication back under quorum = all, is retried with backoff,
 * and catches up when it comes back; a witness that knows another size is followed to it.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { openCheckpoint } from '../src/domain/log/checkpoint.ts';
import { parseCosignatureVerifierKey } from '../src/domain/log/cosignature.ts';
import { parseVerifierKey } from '../src/domain/log/note-keys.ts';
import { parseWitnessList, witnessBackoffMs } from '../src/domain/log/witness-list.ts';
import { integrateLog } from '../src/services/ledger/log-integrator.service.ts';
import { openLogSigner } from '../src/services/ledger/log-key.service.ts';
import { configureWitnesses, submitToWitnesses } from '../src/services/ledger/log-witness.service.ts';
import { aPenalty } from './support/factories.ts';
import { bearer, startTestRegistry, type TestRegistry } from './support/registry.ts';
import { LOG_KEYS, startLogWitness, type Witness, writeLogKeyFile } from './support/witnesses.ts';

const startWitness = (name: string, dataDir: string, port?: number) => startLogWitness(LOG_KEYS, name, dataDir, port);

let scratch: string;
let t: TestRegistry;
let agency: string;
let operator: string;
const witnesses: Witness[] = [];
const exact = () => 0; // no jitter: the backoff is exactly its lower bound

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-log-witnesses-'));
  const keyFile = await writeLogKeyFile(scratch);
  witnesses.push(await startWitness('w1.example.org/witness', path.join(scratch, 'w1')));
  witnesses.push(await startWitness('w2.example.org/witness', path.join(scratch, 'w2')));
  t = await startTestRegistry(
    new Date('2026-11-01T00:00:00Z'),
    {},
    {
      CREDENCE_LOG_ORIGIN: LOG_KEYS.origin,
      CREDENCE_LOG_KEY_FILE: keyFile,
      CREDENCE_LOG_WITNESSES: witnesses.map((w) => `${w.url} ${w.verifierKey}`).join(','),
    },
  );
  agency = await t.keyFor({ role: 'agency', name: 'Market Regulator', agency_kind: 'market' });
  operator = await t.keyFor({ role: 'operator', name: 'Registry operator' });
});
after(async () => {
  await Promise.all(witnesses.map((w) => w.stop()));
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Files a record and integrates it: the new signed tree size. */
async function fileAndIntegrate(): Promise<number> {
  await t.file(agency, aPenalty());
  const signer = await openLogSigner(t.config);
  for (;;) {
    const { size, added } = await integrateLog(t.registry.rt, signer);
    if (added === 0) return size;
  }
}

const submit = (fetcher: typeof fetch = fetch) =>
  submitToWitnesses(t.registry.rt, { witnesses: t.config.logWitnesses, random: exact, fetch: fetcher });

/** The published checkpoint opened with the log's key and every witness's: its size and cosigners' names. */
async function published(): Promise<{ size: number; cosigners: string[] } | null> {
  const response = await t.app.inject({ method: 'GET', url: '/log/checkpoint' });
  if (response.statusCode === 404) return null;
  assert.equal(response.statusCode, 200, response.body);
  const cosigners = witnesses.map((w) => parseCosignatureVerifierKey(w.verifierKey));
  const opened = openCheckpoint(response.body, { log: parseVerifierKey(LOG_KEYS.verifierKey), cosigners });
  return { size: opened.checkpoint.size, cosigners: opened.cosignatures.map((s) => s.name).sort() };
}

async function health() {
  const response = await t.app.inject({ method: 'GET', url: '/health' });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().log;
}

describe('CREDENCE_LOG_WITNESSES and CREDENCE_LOG_WITNESS_QUORUM', () => {
  const key = () => witnesses[0]!.verifierKey;

  test('read URL VKEY pairs; the quorum defaults to all of them', () => {
    assert.equal(t.config.logWitnesses.length, 2);
    assert.equal(t.config.logWitnessQuorum, 2);
    const [one] = parseWitnessList(` http://w.example:8080/base/ ${key()} `);
    assert.equal(one!.url, 'http://w.example:8080/base');
    assert.equal(loadConfig({}).logWitnessQuorum, 0);
  });

  test('report every bad variable at once: a bad pair, a bad key, a quorum above the witnesses', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      assert.fail(`accepted ${JSON.stringify(env)}`);
    };
    assert.match(bad({ CREDENCE_LOG_WITNESSES: 'http://w.example' }), /entry 1 must be a URL, one space/);
    assert.match(bad({ CREDENCE_LOG_WITNESSES: `ftp://w.example ${key()}` }), /not an http/);
    assert.match(bad({ CREDENCE_LOG_WITNESSES: `http://w.example  ${key()}` }), /one space/);
    assert.match(bad({ CREDENCE_LOG_WITNESSES: `http://a ${key()},http://b ${key()}` }), /given twice/);
    const both = bad({ CREDENCE_LOG_WITNESSES: 'http://w.example not-a-key', PORT: 'x' });
    assert.match(both, /CREDENCE_LOG_WITNESSES=.*entry 1/);
    assert.match(both, /PORT=/);
    assert.match(bad({ CREDENCE_LOG_WITNESSES: `http://w ${key()}`, CREDENCE_LOG_WITNESS_QUORUM: '2' }), /more than/);
  });

  test('are listed in credence --help with their defaults', async () => {
    const { out } = await t.cli('--help');
    assert.match(out, /CREDENCE_LOG_WITNESSES +default: none/);
    assert.match(out, /CREDENCE_LOG_WITNESS_QUORUM +default: all of CREDENCE_LOG_WITNESSES/);
  });

  test('backoff doubles per failure, is capped, and jitters between half and all of it', () => {
    assert.deepEqual(
      [1, 2, 3].map((n) => witnessBackoffMs(n, exact)),
      [500, 1000, 2000],
    );
    assert.equal(
      witnessBackoffMs(100, () => 0.999_999),
      300_000,
    );
    assert.equal(
      witnessBackoffMs(1, () => 0.5),
      750,
    );
  });
});

describe('publication waits for the quorum of cosignatures', () => {
  test('nothing is published before the quorum cosigns; then the checkpoint carries both cosignatures', async () => {
    await configureWitnesses(t.registry.rt, t.config.logWitnesses, t.config.logWitnessQuorum);
    const size = await fileAndIntegrate();
    assert.equal(await published(), null, 'a signed checkpoint without cosignatures is not published');
    const outcomes = await submit();
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['cosigned', 'cosigned'],
    );
    assert.deepEqual(await published(), { size, cosigners: ['w1.example.org/witness', 'w2.example.org/witness'] });
    const log = await health();
    assert.deepEqual([log.signed_size, log.published_size, log.witness_quorum], [size, size, 2]);
    assert.deepEqual(
      log.witnesses.map((w: { cosigned_size: number; failing_since: null }) => [w.cosigned_size, w.failing_since]),
      [
        [size, null],
        [size, null],
      ],
    );
    assert.deepEqual(await submit(), [], 'witnesses that cosigned the latest checkpoint are not asked again');
  });

  test('a stopped witness holds publication back, is retried after its backoff, and catches up', async () => {
    const before = (await published())!.size;
    const w2 = witnesses[1]!;
    await w2.stop();
    const size = await fileAndIntegrate();
    const outcomes = await submit();
    assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['cosigned', 'failed']);
    assert.equal((await published())!.size, before, 'quorum = all: publication waits for the stopped witness');
    const failing = (await health()).witnesses.find((w: { key: string }) => w.key === w2.verifierKey);
    assert.equal(failing.failing_since, t.now.toISOString());
    assert.equal(failing.next_retry_at, new Date(t.now.getTime() + 500).toISOString());
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(operator) });
    assert.match(metrics.body, /credence_log_tree_size\{checkpoint="published"\} (\d+)/);
    assert.match(metrics.body, new RegExp(`credence_log_tree_size\\{checkpoint="signed"\\} ${size}\\b`));
    assert.match(metrics.body, /credence_log_witness_failing_since_seconds\{witness="w2\.example\.org\/witness\+/);
    assert.deepEqual(await submit(), [], 'not retried before its backoff has passed');

    witnesses[1] = await startWitness('w2.example.org/witness', w2.dataDir, w2.port);
    t.now = new Date(t.now.getTime() + 1000);
    const resumed = await submit();
    assert.deepEqual(
      resumed.map((o) => [o.verifierKey, o.outcome]),
      [[w2.verifierKey, 'cosigned']],
    );
    assert.deepEqual((await published())!.size, size);
    assert.equal((await health()).witnesses.find((w: { key: string }) => w.key === w2.verifierKey).failing_since, null);
  });

  test('a witness that knows another size (409 text/x.tlog.size) is followed to it and cosigns', async () => {
    const statuses: number[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      statuses.push(response.status);
      return response;
    };
    // The registry forgets what the first witness knows: its first request says old 0.
    await t.registry.rt.db.updateTable('log_witnesses').set({ known_size: '0' }).execute();
    const size = await fileAndIntegrate();
    const outcomes = await submit(recording);
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['cosigned', 'cosigned'],
    );
    assert.deepEqual(statuses.sort(), [200, 200, 409, 409]);
    assert.equal((await published())!.size, size);
  });

  test('a cosignature that does not verify with the configured key is not counted', async () => {
    const before = (await published())!.size;
    const forging: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const line = await response.text();
      // Flip one byte of the Ed25519 signature, after the key ID and timestamp.
      const [dash, name, base64] = line.trimEnd().split(' ');
      const bytes = Buffer.from(base64!, 'base64');
      bytes[20] = bytes[20]! ^ 1;
      return new Response(`${dash} ${name} ${bytes.toString('base64')}\n`, { status: response.status });
    };
    const size = await fileAndIntegrate();
    const outcomes = await submit(forging);
    assert.deepEqual(
      outcomes.map((o) => o.outcome),
      ['failed', 'failed'],
    );
    assert.match(outcomes[0]!.error!, /does not verify/);
    assert.equal((await published())!.size, before);
    // With quorum 1 of the first witness only, its genuine cosignature publishes alone.
    await configureWitnesses(t.registry.rt, t.config.logWitnesses.slice(0, 1), 1);
    t.now = new Date(t.now.getTime() + 60_000);
    await submit();
    assert.deepEqual(await published(), { size, cosigners: ['w1.example.org/witness'] });
  });

  test('with no witnesses (quorum 0), the latest signed checkpoint is published as signed', async () => {
    await configureWitnesses(t.registry.rt, [], 0);
    const size = await fileAndIntegrate();
    assert.deepEqual(await published(), { size, cosigners: [] });
    assert.deepEqual((await health()).witnesses, []);
  });
});
