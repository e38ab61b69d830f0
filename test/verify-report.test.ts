import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateCosignerKeyPair, parseCosignerKey } from '../src/domain/log/cosignature.ts';
import { encodeBase64 } from '../src/domain/log/note-encoding.ts';
import { generateKeyPair } from '../src/domain/log/note-keys.ts';
import type { ErrorCode } from '../src/errors.ts';
import { verifyReport } from '../src/services/ledger/report-verification.service.ts';
import { runMain } from './support/main-cli.ts';
import { aMemoryLog, inclusionProof, LOG_ORIGIN, type MemoryLog, signedCheckpoint } from './support/memory-log.ts';

const witnessPair = generateCosignerKeyPair('witness.example.org');
const witness = parseCosignerKey(witnessPair.signerKey);
const secondPair = generateCosignerKeyPair('second-witness.example.net');

interface ReportEntry {
  index: number;
  data: string;
  inclusion_proof: string[];
}

/** A report whose `log` proves the leaves at `indexes` in the tree of all the log's leaves. */
function aReport(log: MemoryLog, indexes: number[], witnesses = [witness]) {
  const size = log.leaves.length;
  const entries: ReportEntry[] = indexes.map((index) => ({
    index,
    data: encodeBase64(log.leaves[index]!),
    inclusion_proof: inclusionProof(log, index, size).map(encodeBase64),
  }));
  return {
    subject: { scheme: 'cn-uscc', id: 'x' },
    log: { checkpoint: signedCheckpoint(log, size, witnesses), entries },
  };
}

function throwsReport(run: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(run, (error: { code?: string; message: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

const log = aMemoryLog(300);
const keys = { logKey: log.verifierKey, witnessKeys: [witnessPair.verifierKey] };

describe('report verification (service)', () => {
  test('a good report proves each entry in the signed, witnessed tree', () => {
    const verified = verifyReport(aReport(log, [0, 7, 255, 256, 299]), keys);
    assert.deepEqual(verified, {
      origin: LOG_ORIGIN,
      treeSize: 300,
      indexes: [0, 7, 255, 256, 299],
      witnesses: ['witness.example.org'],
      uncheckedSignatures: 0,
    });
  });

  test('one altered byte of an event fails, naming the entry', () => {
    const report = aReport(log, [3, 42]);
    const bytes = Buffer.from(report.log.entries[1]!.data, 'base64');
    bytes[10] = bytes[10]! ^ 1;
    report.log.entries[1]!.data = bytes.toString('base64');
    throwsReport(() => verifyReport(report, keys), 'CRD_REPORT_UNVERIFIED', /1 of 2 .*entry 1 \(log index 42\)/);
  });

  test('an altered, shortened or misplaced proof fails', () => {
    const altered = aReport(log, [42]);
    const hash = Buffer.from(altered.log.entries[0]!.inclusion_proof[3]!, 'base64');
    hash[0] = hash[0]! ^ 0x80;
    altered.log.entries[0]!.inclusion_proof[3] = hash.toString('base64');
    throwsReport(() => verifyReport(altered, keys), 'CRD_REPORT_UNVERIFIED', /log index 42.*do not lead/);
    const shortened = aReport(log, [42]);
    shortened.log.entries[0]!.inclusion_proof.pop();
    throwsReport(() => verifyReport(shortened, keys), 'CRD_REPORT_UNVERIFIED', /log index 42/);
    const moved = aReport(log, [42]);
    moved.log.entries[0]!.index = 43;
    throwsReport(() => verifyReport(moved, keys), 'CRD_REPORT_UNVERIFIED', /log index 43/);
    const beyond = aReport(log, [42]);
    beyond.log.entries[0]!.index = 300;
    throwsReport(() => verifyReport(beyond, keys), 'CRD_REPORT_UNVERIFIED', /beyond the checkpoint's tree size/);
  });

  test('the wrong log key fails', () => {
    const other = { ...keys, logKey: generateKeyPair(LOG_ORIGIN).verifierKey };
    throwsReport(() => verifyReport(aReport(log, [1]), other), 'CRD_REPORT_UNVERIFIED', /not signed by the log key/);
    const alone = { ...other, witnessKeys: [] };
    throwsReport(
      () => verifyReport(aReport(log, [1]), alone),
      'CRD_REPORT_UNVERIFIED',
      /no signature by a trusted key/,
    );
  });

  test('a missing or bad witness cosignature fails', () => {
    const unwitnessed = aReport(log, [1], []);
    throwsReport(
      () => verifyReport(unwitnessed, keys),
      'CRD_REPORT_UNVERIFIED',
      /no cosignature by .*witness\.example/,
    );
    const both = { ...keys, witnessKeys: [witnessPair.verifierKey, secondPair.verifierKey] };
    throwsReport(() => verifyReport(aReport(log, [1]), both), 'CRD_REPORT_UNVERIFIED', /second-witness/);
    const bad = aReport(log, [1]);
    const lines = bad.log.checkpoint.split('\n');
    const at = lines.findIndex((line) => line.startsWith('— witness.example.org '));
    const signature = lines[at]!.slice(-10);
    lines[at] = `${lines[at]!.slice(0, -10)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    bad.log.checkpoint = lines.join('\n');
    throwsReport(() => verifyReport(bad, keys), 'CRD_REPORT_UNVERIFIED', /invalid signature for key witness/);
  });

  test('a report without a log section, or a malformed one, says so', () => {
    throwsReport(() => verifyReport({ subject: {} }, keys), 'CRD_REPORT_UNVERIFIED', /no "log" section/);
    const report = aReport(log, [1]);
    report.log.entries[0]!.inclusion_proof[0] = 'not base64!';
    throwsReport(() => verifyReport(report, keys), 'CRD_REPORT_UNVERIFIED', /inclusion_proof\[0\] is not the base64/);
  });
});

describe('credence verify-report (CLI)', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'credence-verify-report-'));
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  async function reportFile(report: unknown): Promise<string> {
    const file = path.join(await mkdtemp(path.join(scratch, 'report-')), 'report.json');
    await writeFile(file, JSON.stringify(report));
    return file;
  }

  test('says in plain words what a good report proves', async () => {
    const file = await reportFile(aReport(log, [5, 6]));
    const result = await runMain(
      'verify-report',
      file,
      '--log-key',
      log.verifierKey,
      '--witness-key',
      witnessPair.verifierKey,
    );
    assert.equal(result.code, 0, result.err);
    assert.equal(
      result.out,
      `Verified: 2 events about you are in the log as of tree size 300, signed by ${LOG_ORIGIN}; ` +
        'cosigned by witness.example.org, who saw the same tree.\nLog indexes: 5, 6.\n',
    );
    const alone = await runMain('verify-report', file, '--log-key', log.verifierKey);
    assert.equal(alone.code, 0, alone.err);
    assert.match(alone.out, /No witness key was given, so this rests on the log alone/);
    assert.match(alone.out, /also carries 1 signature\(s\) by keys not given/);
    assert.match((await runMain('--help')).out, /verify-report/);
  });

  test('exits non-zero and says what failed', async () => {
    const report = aReport(log, [5, 6]);
    report.log.entries[0]!.data = encodeBase64(Buffer.from('a different event'));
    const result = await runMain('verify-report', await reportFile(report), '--log-key', log.verifierKey);
    assert.equal(result.code, 65);
    assert.equal(result.out, '');
    assert.match(result.err, /^error CRD_REPORT_UNVERIFIED: 1 of 2 log entries .*entry 0 \(log index 5\)/);
  });
});
