import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { main } from '../src/cli/main.ts';
import { formatCheckpoint, openCheckpoint } from '../src/domain/log/checkpoint.ts';
import { cosignatureTimestamp, parseCosignatureVerifierKey } from '../src/domain/log/cosignature.ts';
import { consistencyProofOfLeaves, type Hash, hashLeaf, treeHashOfLeaves } from '../src/domain/log/merkle.ts';
import { generateKeyPair, type NoteSigner, parseSignerKey, parseVerifierKey } from '../src/domain/log/note-keys.ts';
import { signNote } from '../src/domain/log/note.ts';
import { formatAddCheckpointRequest } from '../src/domain/log/witness-request.ts';
import { openWitnessApp } from '../src/witness/witness-server.ts';

const ORIGIN = 'registry.example.gov/ledger';
const NOW = new Date('2026-11-01T12:00:00Z');
// <name>+<key ID>+<base64 of type 0x04 and the 32-byte Ed25519 key>: its first character is B.
const WITNESS_VKEY = /^witness\.example\.org\/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}\n$/;

/** A log made with the domain functions: a signer and its leaves, growing as a test appends. */
function aLog(origin = ORIGIN, signer: NoteSigner = parseSignerKey(generateKeyPair(origin).signerKey)) {
  const leaves: Hash[] = [];
  return {
    signer,
    append(count: number, tag = 'entry') {
      for (let i = 0; i < count; i++) leaves.push(hashLeaf(Buffer.from(`${tag} ${leaves.length}`)));
    },
    get size() {
      return leaves.length;
    },
    /** The signed checkpoint at `size` (default: every leaf so far). */
    checkpoint(size = leaves.length, signers: readonly NoteSigner[] = [signer]): string {
      const rootHash = treeHashOfLeaves(leaves.slice(0, size));
      return signNote(formatCheckpoint({ origin, size, rootHash }), signers);
    },
    proof(oldSize: number, newSize = leaves.length): Hash[] {
      return oldSize === 0 ? [] : consistencyProofOfLeaves(oldSize, leaves.slice(0, newSize));
    },
    /** The add-checkpoint body from `oldSize` to `newSize`. */
    request(oldSize: number, newSize = leaves.length): string {
      return formatAddCheckpointRequest({
        oldSize,
        proof: this.proof(oldSize, newSize),
        note: this.checkpoint(newSize),
      });
    },
  };
}
type Log = ReturnType<typeof aLog>;

let scratch: string;
before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'credence-witness-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const result = { code: 0, out: '', err: '' };
  const sink = (key: 'out' | 'err') =>
    ({
      write: (chunk: string) => {
        result[key] += chunk;
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  result.code = await main(argv, { stdout: sink('out'), stderr: sink('err') });
  return result;
}

/** A witness of `log` on a new data directory (or `dataDir`), with `witness key`'s verifier key. */
async function aWitness(log: Log, dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(path.join(scratch, 'data-')));
  const printed = await cli('witness', 'key', '--data-dir', dir, '--name', 'witness.example.org/w1');
  assert.equal(printed.code, 0, printed.err);
  const options = { dataDir: dir, name: undefined, logKeys: [log.signer.verifierKey], log: () => undefined };
  const { app, verifierKey } = await openWitnessApp(options, () => NOW);
  assert.equal(`${verifierKey}\n`, printed.out);
  return { app, dir, verifierKey: printed.out.trimEnd() };
}

function submit(app: FastifyInstance, body: string) {
  return app.inject({
    method: 'POST',
    url: '/add-checkpoint',
    payload: body,
    headers: { 'content-type': 'text/plain' },
  });
}

/** Asserts a 200 whose body is one cosignature line that verifies with `witnessKey` on the note. */
async function assertCosigned(app: FastifyInstance, body: string, note: string, log: Log, witnessKey: string) {
  const response = await submit(app, body);
  assert.equal(response.statusCode, 200, response.body);
  assert.match(response.body, /^— witness\.example\.org\/w1 [A-Za-z0-9+/=]+\n$/);
  const cosigned = `${note}${response.body}`;
  const witness = parseCosignatureVerifierKey(witnessKey);
  const opened = openCheckpoint(cosigned, { log: parseVerifierKey(log.signer.verifierKey), cosigners: [witness] });
  assert.equal(opened.cosignatures.length, 1);
  assert.equal(cosignatureTimestamp(opened.cosignatures[0]!), NOW.getTime() / 1000);
}

async function assertRefused(app: FastifyInstance, body: string, status: number, code: string) {
  const response = await submit(app, body);
  assert.equal(response.statusCode, status, response.body);
  assert.match(response.body, new RegExp(`^${code}: `));
}

async function assertConflict(app: FastifyInstance, body: string, knownSize: number) {
  const response = await submit(app, body);
  assert.equal(response.statusCode, 409, response.body);
  assert.equal(response.headers['content-type'], 'text/x.tlog.size');
  assert.equal(response.body, `${knownSize}\n`);
}

describe('credence witness key', () => {
  test('creates the key once, mode 0600, and prints the same verifier key', async () => {
    const dir = await mkdtemp(path.join(scratch, 'key-'));
    const first = await cli('witness', 'key', '--data-dir', dir, '--name', 'witness.example.org/w1');
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, WITNESS_VKEY);
    assert.match(first.err, /created the witness's cosigning key/);
    assert.equal((await stat(path.join(dir, 'witness.key'))).mode & 0o777, 0o600);
    const second = await cli('witness', 'key', '--data-dir', dir);
    assert.deepEqual([second.code, second.out, second.err], [0, first.out, '']);
    assert.doesNotMatch(first.out + first.err, /PRIVATE/);
    const renamed = await cli('witness', 'key', '--data-dir', dir, '--name', 'other.example.org/w');
    assert.equal(renamed.code, 78, 'a witness cannot change its name');
    assert.match(renamed.err, /CRD_WITNESS_KEY_MISMATCH/);
  });

  test('refuses a name that is not a schema-less URL key name', async () => {
    const dir = await mkdtemp(path.join(scratch, 'key-'));
    for (const name of ['with space', 'https://witness.example.org', 'a+b']) {
      const result = await cli('witness', 'key', '--data-dir', dir, '--name', name);
      assert.equal(result.code, 2, name);
      assert.match(result.err, /CRD_USAGE/);
    }
    assert.deepEqual(await readdir(dir), [], 'no key is created for a bad name');
  });

  test('is listed in credence --help, with witness serve', async () => {
    const { out } = await cli('--help');
    assert.match(out, /witness serve/);
    assert.match(out, /witness key/);
  });
});

describe('credence witness: add-checkpoint (c2sp.org/tlog-witness)', () => {
  test('cosigns a first checkpoint (old 0), then growth with a valid consistency proof', async () => {
    const log = aLog();
    log.append(5);
    const { app, verifierKey } = await aWitness(log);
    await assertCosigned(app, log.request(0), log.checkpoint(), log, verifierKey);
    log.append(8);
    await assertCosigned(app, log.request(5), log.checkpoint(), log, verifierKey);
    // The same checkpoint again is consistent with itself: cosigned again.
    await assertCosigned(app, log.request(13), log.checkpoint(), log, verifierKey);
    await app.close();
  });

  test("ignores signatures by keys it does not know, beside the log's own", async () => {
    const log = aLog();
    log.append(3);
    const { app, verifierKey } = await aWitness(log);
    const stranger = parseSignerKey(generateKeyPair('someone.example/else').signerKey);
    const note = log.checkpoint(3, [log.signer, stranger]);
    await assertCosigned(app, formatAddCheckpointRequest({ oldSize: 0, proof: [], note }), note, log, verifierKey);
    await app.close();
  });

  test('refuses a forked log: the same size with another root, or a smaller tree', async () => {
    const log = aLog();
    log.append(6);
    const { app } = await aWitness(log);
    assert.equal((await submit(app, log.request(0))).statusCode, 200);
    const fork = aLog(ORIGIN, log.signer);
    fork.append(6, 'rewritten');
    await assertRefused(app, fork.request(6, 6), 409, 'CRD_WITNESS_FORK');
    const smaller = formatAddCheckpointRequest({ oldSize: 6, proof: [], note: log.checkpoint(4) });
    await assertRefused(app, smaller, 400, 'CRD_WITNESS_REQUEST_MALFORMED');
    await assertConflict(app, log.request(4, 4), 6);
    // A fork that grew: its proof from the witness's tree does not verify.
    fork.append(4, 'rewritten');
    await assertRefused(app, fork.request(6), 422, 'CRD_WITNESS_BAD_PROOF');
    await app.close();
  });

  test('refuses a bad proof with 422 and a wrong old size with 409 and the known size', async () => {
    const log = aLog();
    log.append(7);
    const { app } = await aWitness(log);
    await assertConflict(app, log.request(3), 0);
    assert.equal((await submit(app, log.request(0))).statusCode, 200);
    log.append(9);
    await assertConflict(app, log.request(0), 7);
    await assertConflict(app, log.request(5), 7);
    const proof = log.proof(7);
    const altered = proof.map((hash, i) => (i === 1 ? Buffer.from(hash).fill(7, 0, 1) : hash));
    const note = log.checkpoint();
    await assertRefused(
      app,
      formatAddCheckpointRequest({ oldSize: 7, proof: altered, note }),
      422,
      'CRD_WITNESS_BAD_PROOF',
    );
    await assertRefused(app, formatAddCheckpointRequest({ oldSize: 7, proof: [], note }), 422, 'CRD_WITNESS_BAD_PROOF');
    await assertConflict(app, formatAddCheckpointRequest({ oldSize: 16, proof: [], note }), 7);
    await app.close();
  });

  test('refuses a checkpoint without a valid signature by the log (403), and an unknown log (404)', async () => {
    const log = aLog();
    log.append(2);
    const { app } = await aWitness(log);
    const impostor = aLog(ORIGIN);
    impostor.append(2);
    await assertRefused(app, impostor.request(0), 403, 'CRD_NOTE_UNVERIFIED');
    const tampered = log.request(0).replace(`\n2\n`, `\n3\n`);
    await assertRefused(app, tampered, 403, 'CRD_NOTE_SIGNATURE_INVALID');
    const other = aLog('other.example/log');
    other.append(2);
    await assertRefused(app, other.request(0), 404, 'CRD_WITNESS_UNKNOWN_LOG');
    assert.equal((await submit(app, log.request(0))).statusCode, 200, 'nothing refused changed the state');
    await app.close();
  });

  test('refuses malformed requests with 400', async () => {
    const log = aLog();
    log.append(4);
    const { app } = await aWitness(log);
    const note = log.checkpoint();
    const hash = Buffer.alloc(32).toString('base64');
    const bodies = {
      CRD_WITNESS_REQUEST_MALFORMED: [
        '',
        `old 0\n${note}`.replace('\n\n', '\n'),
        `old 01\n\n${note}`,
        `old -1\n\n${note}`,
        `new 0\n\n${note}`,
        `old 0\n${hash}\n\n${note}`,
        `old 2\nnot-base64\n\n${note}`,
        `old 2\n${Buffer.alloc(31).toString('base64')}\n\n${note}`,
        `old 2\n${`${hash}\n`.repeat(64)}\n${note}`,
      ],
      CRD_NOTE_MALFORMED: [`old 0\n\n${note.slice(0, -1)}`, `old 0\n\n${note}`.replace('\n4\n', '\n\u0007\n')],
      CRD_CHECKPOINT_MALFORMED: [`old 0\n\n${signNote(`${ORIGIN}\n04\n${hash}\n`, [log.signer])}`],
    };
    for (const [code, list] of Object.entries(bodies)) {
      for (const body of list) await assertRefused(app, body, 400, code);
    }
    const notUtf8 = await app.inject({ method: 'POST', url: '/add-checkpoint', payload: Buffer.from([0x6f, 0xff]) });
    assert.equal(notUtf8.statusCode, 400, notUtf8.body);
    assert.equal((await app.inject({ method: 'GET', url: '/add-checkpoint' })).statusCode, 404);
    await app.close();
  });

  test('keeps its state across a restart on the same data directory', async () => {
    const log = aLog();
    log.append(10);
    const first = await aWitness(log);
    assert.equal((await submit(first.app, log.request(0))).statusCode, 200);
    await first.app.close();
    const second = await aWitness(log, first.dir);
    assert.equal(second.verifierKey, first.verifierKey, 'the same key');
    await assertConflict(second.app, log.request(0), 10);
    log.append(3);
    await assertCosigned(second.app, log.request(10), log.checkpoint(), log, second.verifierKey);
    const files = await readdir(path.join(first.dir, 'logs'));
    assert.equal(files.length, 1, `one state file, no temporary file left: ${files}`);
    await second.app.close();
  });

  test('advances once when the same state is built on concurrently', async () => {
    const log = aLog();
    log.append(20);
    const { app } = await aWitness(log);
    const sizes = [3, 9, 20, 14, 5, 20, 17, 11];
    const responses = await Promise.all(sizes.map((size) => submit(app, log.request(0, size))));
    const cosigned = responses.filter((r) => r.statusCode === 200);
    assert.equal(cosigned.length, 1, responses.map((r) => `${r.statusCode} ${r.body}`).join(''));
    const winner = sizes[responses.indexOf(cosigned[0]!)]!;
    for (const r of responses.filter((x) => x !== cosigned[0])) {
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.body, `${winner}\n`, "every loser learns the winner's size");
    }
    if (winner < 20) assert.equal((await submit(app, log.request(winner))).statusCode, 200);
    await assertConflict(app, log.request(0), 20);
    await app.close();
  });
});
