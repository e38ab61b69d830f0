/**
 * The portal's in-browser check (src/web/browser/log-check.js), run here in Node 24, whose WebCrypto is the
 * browser's API: transparency-dev/merkle's inclusion vectors, and reports built on a log in memory, good and
 * altered. The browser journey (test/web-portal-log.test.ts) runs the same module in Chromium.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generateCosignerKeyPair, parseCosignerKey } from '../src/domain/log/cosignature.ts';
import { encodeBase64 } from '../src/domain/log/note-encoding.ts';
import { generateKeyPair } from '../src/domain/log/note-keys.ts';
import { aMemoryLog, inclusionProof, LOG_ORIGIN, type MemoryLog, signedCheckpoint } from './support/memory-log.ts';

interface LogKeys {
  logKey: string;
  witnessKeys: readonly string[];
  quorum: number;
}
type CheckResult =
  | { ok: true; origin: string; treeSize: number; entries: { index: number; type: string; at: string }[] }
  | { ok: false; reason: string; params: Record<string, string | number> }
  | { ok: null; pending: number };
interface LogCheck {
  checkReportLog(report: unknown, keys: LogKeys): Promise<CheckResult>;
  verifyInclusion(
    leaf: Uint8Array,
    index: number,
    size: number,
    proof: Uint8Array[],
    root: Uint8Array,
  ): Promise<boolean>;
}

// A plain-JavaScript module for the browser, so imported by URL rather than typed through tsconfig.json.
const moduleUrl = new URL('../src/web/browser/log-check.js', import.meta.url).href;
const { checkReportLog, verifyInclusion } = (await import(moduleUrl)) as LogCheck;

const vectors = JSON.parse(
  readFileSync(new URL('./fixtures/transparency-dev-merkle.json', import.meta.url), 'utf8'),
) as {
  inclusion: {
    leafIdx: number;
    treeSize: number;
    root: string;
    leafHash: string;
    proof: string[] | null;
    wantErr: boolean;
    desc: string;
    file: string;
  }[];
};
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

const witnessPair = generateCosignerKeyPair('witness.example.org');
const witness = parseCosignerKey(witnessPair.signerKey);

/** A log whose leaves are ledger events about two subjects, `a` and `b`, alternating. */
function anEventLog(count: number): MemoryLog {
  const log = aMemoryLog(0);
  for (let seq = 1; seq <= count; seq++) {
    const event = {
      at: `2026-11-${String(1 + (seq % 28)).padStart(2, '0')}T08:00:00.000Z`,
      payload: { n: seq },
      salt: encodeBase64(new Uint8Array(32).fill(seq % 256)),
      seq: String(seq),
      subject_id: seq % 2 === 0 ? 'a' : 'b',
      type: 'record.filed',
    };
    log.leaves.push(Buffer.from(JSON.stringify(event)));
  }
  return log;
}

function aReport(log: MemoryLog, indexes: number[], witnesses = [witness]) {
  const size = log.leaves.length;
  return {
    log_status: { tree_size: size, proved_events: indexes.length, pending_events: 1 },
    log: {
      checkpoint: signedCheckpoint(log, size, witnesses),
      entries: indexes.map((index) => ({
        index,
        data: encodeBase64(log.leaves[index]!),
        inclusion_proof: inclusionProof(log, index, size).map(encodeBase64),
      })),
    },
  };
}

const log = anEventLog(300);
const keys: LogKeys = { logKey: log.verifierKey, witnessKeys: [witnessPair.verifierKey], quorum: 1 };
const subjectA = [1, 7, 255, 257, 299];

async function failure(report: unknown, given: LogKeys = keys) {
  const result = await checkReportLog(report, given);
  assert.equal(result.ok, false, JSON.stringify(result));
  return result as Extract<CheckResult, { ok: false }>;
}

describe('the in-browser log check, run in Node', () => {
  test('every transparency-dev/merkle inclusion probe: happy paths verify, the others fail', async () => {
    for (const v of vectors.inclusion) {
      const ok = await verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
      assert.equal(ok, !v.wantErr, `${v.file}: ${v.desc}`);
    }
  });

  test('a good report verifies: the log signed it, the witness cosigned it, each entry is in the tree', async () => {
    const result = await checkReportLog(aReport(log, subjectA), keys);
    assert.equal(result.ok, true, JSON.stringify(result));
    const verified = result as Extract<CheckResult, { ok: true }>;
    assert.equal(verified.origin, LOG_ORIGIN);
    assert.equal(verified.treeSize, 300);
    assert.deepEqual(
      verified.entries.map((e) => e.index),
      subjectA,
    );
    assert.equal(verified.entries[0]!.type, 'record.filed');
  });

  test('one altered byte of an event fails, naming its log index', async () => {
    const report = aReport(log, subjectA);
    const bytes = Buffer.from(report.log.entries[2]!.data, 'base64');
    bytes[20] = bytes[20]! ^ 1;
    report.log.entries[2]!.data = bytes.toString('base64');
    assert.deepEqual(await failure(report), { ok: false, reason: 'entry', params: { index: 255 } });
  });

  test('an altered proof hash, a moved index, or an index beyond the tree fails', async () => {
    const altered = aReport(log, [7]);
    const hash = Buffer.from(altered.log.entries[0]!.inclusion_proof[2]!, 'base64');
    hash[5] = hash[5]! ^ 0x10;
    altered.log.entries[0]!.inclusion_proof[2] = hash.toString('base64');
    assert.equal((await failure(altered)).reason, 'entry');
    const moved = aReport(log, [7]);
    moved.log.entries[0]!.index = 9;
    assert.equal((await failure(moved)).reason, 'entry');
    const beyond = aReport(log, [7]);
    beyond.log.entries[0]!.index = 300;
    assert.equal((await failure(beyond)).reason, 'entry');
  });

  test('a checkpoint signed by another key, or with its root changed, fails the signature check', async () => {
    const other = generateKeyPair(LOG_ORIGIN);
    assert.equal((await failure(aReport(log, subjectA), { ...keys, logKey: other.verifierKey })).reason, 'signature');
    const report = aReport(log, subjectA);
    const lines = report.log.checkpoint.split('\n');
    lines[1] = '299';
    report.log.checkpoint = lines.join('\n');
    assert.equal((await failure(report)).reason, 'signature');
  });

  test('too few witness cosignatures fail; a malformed key or report is named as such', async () => {
    assert.deepEqual(await failure(aReport(log, subjectA, [])), {
      ok: false,
      reason: 'witnesses',
      params: { count: 0, quorum: 1 },
    });
    assert.equal((await failure(aReport(log, subjectA), { ...keys, logKey: 'not a key' })).reason, 'log_key');
    assert.equal((await failure({ log: { checkpoint: 7, entries: [] } })).reason, 'malformed');
    assert.equal((await failure('[]')).reason, 'malformed');
    const badBase64 = aReport(log, [7]);
    badBase64.log.entries[0]!.data = 'not base64!';
    assert.equal((await failure(badBase64)).reason, 'malformed');
  });

  test("entries about more than one subject fail: a file holds one subject's events", async () => {
    assert.equal((await failure(aReport(log, [1, 2]))).reason, 'subject');
  });

  test('before the first published checkpoint there is nothing to check, and it says how much is pending', async () => {
    assert.deepEqual(await checkReportLog({ log: null, log_status: { pending_events: 3 } }, keys), {
      ok: null,
      pending: 3,
    });
  });
});
