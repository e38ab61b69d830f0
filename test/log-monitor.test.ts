import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, parseSignerKey } from '../src/domain/log/note-keys.ts';
import type { ErrorCode } from '../src/errors.ts';
import { monitorLog } from '../src/services/ledger/log-monitor.service.ts';
import {
  aMemoryLog,
  appendLeaves,
  fetchServing,
  LOG_ORIGIN,
  type MemoryLog,
  type ServedLog,
  signedCheckpoint,
  tilesAt,
} from './support/memory-log.ts';
import { runMain } from './support/main-cli.ts';

const BASE = 'https://registry.example.gov';

let scratch: string;
before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-log-monitor-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh state file path (no file yet). */
async function aStateFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(scratch, 'state-')), 'monitor.json');
}

/** What the registry serves for the log at `size`: its checkpoint and tiles. */
async function serving(log: MemoryLog, size = log.leaves.length): Promise<ServedLog> {
  return { checkpoint: signedCheckpoint(log, size), files: await tilesAt(log, size), requests: [] };
}

async function monitor(log: MemoryLog, served: ServedLog, stateFile: string) {
  return monitorLog({ url: BASE, logKey: log.verifierKey, stateFile }, fetchServing(BASE, served));
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: { code?: string; message: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

function flipBit(data: Uint8Array, at: number): void {
  data[at] = data[at]! ^ 1;
}

/** The same log key signing other leaves: what a forked log shows some of its readers. */
function aForkOf(log: MemoryLog, size: number): MemoryLog {
  const fork = { signer: log.signer, verifierKey: log.verifierKey, leaves: log.leaves.slice(0, size) };
  appendLeaves(fork, log.leaves.length - size, 'forked event');
  return fork;
}

describe('log monitor (service)', () => {
  test('trusts the first tree it sees, then accepts a log that grew and one that did not change', async () => {
    const log = aMemoryLog(5);
    const state = await aStateFile();
    const first = await monitor(log, await serving(log), state);
    assert.equal(first.previous, null);
    assert.equal(first.current.size, 5);
    const saved = JSON.parse(await readFile(state, 'utf8'));
    assert.equal(saved.origin, LOG_ORIGIN);
    assert.equal(saved.size, 5);
    assert.equal(saved.checkpoint, signedCheckpoint(log, 5));

    appendLeaves(log, 600);
    const grown = await monitor(log, await serving(log), state);
    assert.equal(grown.previous?.size, 5);
    assert.equal(grown.current.size, 605);
    assert.equal(JSON.parse(await readFile(state, 'utf8')).size, 605);

    const again = await monitor(log, await serving(log), state);
    assert.deepEqual([again.previous?.size, again.current.size], [605, 605]);
  });

  test('reads a partial tile the log has deleted from the full tile that replaced it', async () => {
    const log = aMemoryLog(5);
    const state = await aStateFile();
    await monitor(log, await serving(log), state);
    appendLeaves(log, 295); // size 300: tiles 0/000, 0/001.p/44, 1/000.p/1
    const at300 = await tilesAt(log, 300);
    appendLeaves(log, 300); // size 600: 0/001 is full now, and the log drops 0/001.p/44
    const files = new Map([...at300, ...(await tilesAt(log, 600))]);
    files.delete('tile/0/001.p/44');
    const served: ServedLog = { checkpoint: signedCheckpoint(log, 300), files, requests: [] };
    const result = await monitor(log, served, state);
    assert.equal(result.current.size, 300);
    assert.ok(served.requests.includes('tile/0/001.p/44'), 'the partial tile is asked for first');
    assert.ok(served.requests.includes('tile/0/001'), 'then the full tile');
  });

  test('a fork of the same size fails, names both roots and leaves the state file alone', async () => {
    const log = aMemoryLog(40);
    const state = await aStateFile();
    await monitor(log, await serving(log), state);
    const before = await readFile(state, 'utf8');
    const fork = aForkOf(log, 30);
    await rejectsWith(
      monitor(log, await serving(fork), state),
      'CRD_LOG_INCONSISTENT',
      /FORK DETECTED .*two different trees of size 40/,
    );
    assert.equal(await readFile(state, 'utf8'), before);
  });

  test('a grown tree that does not contain the old one is a fork', async () => {
    const log = aMemoryLog(40);
    const state = await aStateFile();
    await monitor(log, await serving(log), state);
    appendLeaves(log, 300);
    const fork = aForkOf(log, 39);
    await rejectsWith(
      monitor(log, await serving(fork), state),
      'CRD_LOG_INCONSISTENT',
      /does not contain the tree of size 40/,
    );
    // The honest log that grew is still accepted from the same state.
    assert.equal((await monitor(log, await serving(log), state)).current.size, 340);
  });

  test('a shrinking tree fails', async () => {
    const log = aMemoryLog(300);
    const state = await aStateFile();
    await monitor(log, await serving(log), state);
    await rejectsWith(monitor(log, await serving(log, 299), state), 'CRD_LOG_INCONSISTENT', /shrank: .*300.*299/);
  });

  test('a checkpoint signed by another key, or with an altered signature or size, fails', async () => {
    const log = aMemoryLog(10);
    const state = await aStateFile();
    await monitor(log, await serving(log), state);
    appendLeaves(log, 5);
    const impostor = { ...log, signer: parseSignerKey(generateKeyPair(LOG_ORIGIN).signerKey) };
    await rejectsWith(
      monitor(log, await serving(impostor), state),
      'CRD_NOTE_UNVERIFIED',
      /does not verify with registry\.example\.gov\/ledger\+[0-9a-f]{8}: the note has no signature/,
    );
    const served = await serving(log);
    const signature = served.checkpoint.slice(served.checkpoint.lastIndexOf(' ') + 1);
    // Past the key ID (the first 4 bytes): the key is the log's, the signature is not.
    const flipped = `${signature.slice(0, 20)}${signature[20] === 'A' ? 'B' : 'A'}${signature.slice(21)}`;
    served.checkpoint = served.checkpoint.replace(signature, flipped);
    await rejectsWith(monitor(log, served, state), 'CRD_NOTE_SIGNATURE_INVALID', /invalid signature/);
    const resized = await serving(log);
    resized.checkpoint = resized.checkpoint.replace('\n15\n', '\n16\n');
    await rejectsWith(monitor(log, resized, state), 'CRD_NOTE_SIGNATURE_INVALID', /invalid signature/);
    assert.equal(JSON.parse(await readFile(state, 'utf8')).size, 10);
  });

  test('a tampered tile fails, on the right edge, below a parent tile, and on the first run', async () => {
    const log = aMemoryLog(300);
    const state = await aStateFile();
    await monitor(log, await serving(log), state);
    appendLeaves(log, 300);
    for (const tampered of ['tile/0/002.p/88', 'tile/0/001', 'tile/1/000.p/2']) {
      const served = await serving(log);
      flipBit(served.files.get(tampered)!, 40);
      await rejectsWith(monitor(log, served, state), 'CRD_LOG_TILE_MISMATCH', /tiles do not match its signed/);
    }
    const short = await serving(log);
    short.files.set('tile/0/002.p/88', short.files.get('tile/0/002.p/88')!.subarray(32));
    await rejectsWith(monitor(log, short, state), 'CRD_LOG_TILE_MISMATCH', /is 2784 bytes, not 2816/);
    assert.equal(JSON.parse(await readFile(state, 'utf8')).size, 300);

    const fresh = await serving(log);
    flipBit(fresh.files.get('tile/0/002.p/88')!, 0);
    await rejectsWith(monitor(log, fresh, await aStateFile()), 'CRD_LOG_TILE_MISMATCH', /do not rebuild/);
  });

  test('a state file kept for another log, or unreadable, is refused', async () => {
    const log = aMemoryLog(3);
    const other = aMemoryLog(3, 'other.example/log');
    const state = await aStateFile();
    await monitor(other, await serving(other), state);
    await rejectsWith(monitor(log, await serving(log), state), 'CRD_MONITOR_STATE_INVALID', /other\.example\/log/);
    await writeFile(state, 'not json');
    await rejectsWith(monitor(log, await serving(log), state), 'CRD_MONITOR_STATE_INVALID', /not JSON/);
  });
});

describe('credence log monitor (CLI, over HTTP)', () => {
  let server: Server;
  let url: string;
  let served: ServedLog;
  before(async () => {
    server = createServer((request, response) => {
      const found = request.url === '/log/checkpoint' ? served.checkpoint : served.files.get(request.url!.slice(5));
      response.writeHead(found === undefined ? 404 : 200).end(found);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('says it trusts on first use, prints old → new size, and exits non-zero on a fork', async () => {
    const log = aMemoryLog(20);
    const state = await aStateFile();
    const args = ['log', 'monitor', '--url', url, '--log-key', log.verifierKey, '--state', state];
    served = await serving(log);
    const first = await runMain(...args);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^registry\.example\.gov\/ledger: first run, trusting on first use tree size 20, root /);

    appendLeaves(log, 280);
    served = await serving(log);
    const grown = await runMain(...args);
    assert.equal(grown.code, 0, grown.err);
    assert.match(grown.out, /^registry\.example\.gov\/ledger: tree size 20 → 300 \(consistent\), root \S+\n$/);

    served = await serving(aForkOf(log, 299));
    const forked = await runMain(...args);
    assert.notEqual(forked.code, 0);
    assert.equal(forked.out, '');
    assert.match(forked.err, /^error CRD_LOG_INCONSISTENT: FORK DETECTED/);
  });

  test('is listed in credence --help and needs all three options', async () => {
    assert.match((await runMain('--help')).out, /log monitor/);
    const missing = await runMain('log', 'monitor', '--url', url);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--url, --log-key and --state are all required/);
  });
});
