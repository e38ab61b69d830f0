/**
 * Checking a subject's report against the public log, offline (issue 9, item 5). A report's `log` section is
 *
 *     {"checkpoint": "<signed checkpoint note>",
 *      "entries": [{"index": N, "data": "<base64 of the exact leaf bytes>", "inclusion_proof": ["<base64>", ...]}]}
 *
 * The checkpoint must carry the log's signature and a valid cosignature (c2sp.org/tlog-cosignature) by every
 * witness key given; each entry's leaf hash, SHA-256(0x00 || bytes), must lead through its RFC 6962 inclusion
 * proof to the checkpoint's root (RFC 9162 §2.1.3.2). Nothing from the registry is trusted but the bytes.
 * Pure: no database, no network, no clock.
 */

import { type Checkpoint, openCheckpoint } from '../../domain/log/checkpoint.ts';
import { parseCosignatureVerifierKey } from '../../domain/log/cosignature.ts';
import { HASH_SIZE, hashLeaf, verifyInclusion } from '../../domain/log/merkle.ts';
import { decodeBase64 } from '../../domain/log/note-encoding.ts';
import { type NoteVerifier, parseVerifierKey } from '../../domain/log/note-keys.ts';
import { CredenceError, isCredenceError, type ProblemDetail } from '../../errors.ts';

/** The keys a report is checked with: the log's verifier key and any witnesses' (cosignature/v1 or Ed25519). */
export interface ReportKeys {
  readonly logKey: string;
  readonly witnessKeys: readonly string[];
}

/** What a verified report proved. */
export interface VerifiedReport {
  /** The log's origin, which signed the checkpoint. */
  readonly origin: string;
  /** The tree size of the checkpoint the entries are proved in. */
  readonly treeSize: number;
  /** The log indexes of the entries proved, in the report's order. */
  readonly indexes: readonly number[];
  /** The witnesses whose cosignatures were checked (all those given). */
  readonly witnesses: readonly string[];
  /** Signatures on the checkpoint by keys that were not given, left unchecked. */
  readonly uncheckedSignatures: number;
}

interface ReportEntry {
  readonly index: number;
  readonly data: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/**
 * Verifies a report's `log` section (`report` is the parsed report JSON). Throws CRD_NOTE_KEY_INVALID for a
 * bad key given, and CRD_REPORT_UNVERIFIED saying exactly what failed: a malformed section, a checkpoint not
 * signed by the log key, a missing or invalid witness cosignature, or each entry whose proof does not hold.
 */
export function verifyReport(report: unknown, keys: ReportKeys): VerifiedReport {
  const log = parseVerifierKey(keys.logKey);
  const witnesses = keys.witnessKeys.map(parseCosignatureVerifierKey);
  const section = readLogSection(report);
  const { checkpoint, uncheckedSignatures } = openReportCheckpoint(section.checkpoint, log, witnesses);
  const entries = readEntries(section.entries);
  const failures = entries.flatMap((entry, i) => entryFailure(entry, i, checkpoint));
  if (failures.length > 0) {
    throw new CredenceError(
      'CRD_REPORT_UNVERIFIED',
      `${failures.length} of ${entries.length} log entries in the report do not verify against the checkpoint ` +
        `(${checkpoint.origin}, tree size ${checkpoint.size}): ${failures[0]!.message}`,
      failures,
    );
  }
  return {
    origin: checkpoint.origin,
    treeSize: checkpoint.size,
    indexes: entries.map((entry) => entry.index),
    witnesses: witnesses.map((w) => w.name),
    uncheckedSignatures,
  };
}

function unverified(message: string, path = 'log'): CredenceError {
  return new CredenceError('CRD_REPORT_UNVERIFIED', message, [{ code: 'CRD_REPORT_UNVERIFIED', path, message }]);
}

function readLogSection(report: unknown): { checkpoint: string; entries: readonly unknown[] } {
  const log = isObject(report) ? report.log : undefined;
  if (!isObject(log)) {
    throw unverified('the report has no "log" section: there is nothing to check it against the public log');
  }
  if (typeof log.checkpoint !== 'string') throw unverified('the report\'s "log.checkpoint" is not a signed note');
  if (!Array.isArray(log.entries)) throw unverified('the report\'s "log.entries" is not a list', 'log.entries');
  return { checkpoint: log.checkpoint, entries: log.entries };
}

function openReportCheckpoint(note: string, log: NoteVerifier, witnesses: readonly NoteVerifier[]) {
  let opened: ReturnType<typeof openCheckpoint>;
  try {
    opened = openCheckpoint(note, { log, cosigners: witnesses });
  } catch (error) {
    if (!isCredenceError(error)) throw error;
    throw unverified(`the report's checkpoint does not verify: ${error.message}`, 'log.checkpoint');
  }
  for (const witness of witnesses) {
    if (!opened.cosignatures.some((s) => s.name === witness.name && s.keyId === witness.keyId)) {
      throw unverified(
        `the report's checkpoint carries no cosignature by the witness ${witness.name}: it was not witnessed by it`,
        'log.checkpoint',
      );
    }
  }
  return { checkpoint: opened.checkpoint, uncheckedSignatures: opened.note.unverified.length };
}

function readEntries(entries: readonly unknown[]): ReportEntry[] {
  const seen = new Set<number>();
  return entries.map((entry, i) => {
    const path = `log.entries[${i}]`;
    if (!isObject(entry)) throw unverified(`${path} is not an object`, path);
    const { index, data, inclusion_proof: proof } = entry;
    if (!Number.isSafeInteger(index) || (index as number) < 0) {
      throw unverified(`${path}.index is not a log index`, `${path}.index`);
    }
    if (seen.has(index as number)) throw unverified(`${path}: log index ${index} appears twice`, `${path}.index`);
    seen.add(index as number);
    const bytes = typeof data === 'string' ? decodeBase64(data) : null;
    if (bytes === null) throw unverified(`${path}.data is not base64`, `${path}.data`);
    if (!Array.isArray(proof)) throw unverified(`${path}.inclusion_proof is not a list`, `${path}.inclusion_proof`);
    const hashes = proof.map((hash: unknown, j) => {
      const decoded = typeof hash === 'string' ? decodeBase64(hash) : null;
      if (decoded === null || decoded.length !== HASH_SIZE) {
        throw unverified(
          `${path}.inclusion_proof[${j}] is not the base64 of a 32-byte hash`,
          `${path}.inclusion_proof`,
        );
      }
      return decoded;
    });
    return { index: index as number, data: bytes, proof: hashes };
  });
}

function entryFailure(entry: ReportEntry, i: number, checkpoint: Checkpoint): ProblemDetail[] {
  const path = `log.entries[${i}]`;
  const problem = (message: string): ProblemDetail[] => [{ code: 'CRD_REPORT_UNVERIFIED', path, message }];
  if (entry.index >= checkpoint.size) {
    return problem(`entry ${i}: log index ${entry.index} is beyond the checkpoint's tree size ${checkpoint.size}`);
  }
  const claim = {
    leafHash: hashLeaf(entry.data),
    index: entry.index,
    treeSize: checkpoint.size,
    proof: entry.proof,
    root: checkpoint.rootHash,
  };
  if (verifyInclusion(claim)) return [];
  return problem(
    `entry ${i} (log index ${entry.index}): its bytes and inclusion proof do not lead to the checkpoint's root ` +
      'hash, so the event bytes or the proof were altered, or the event is not in the signed log',
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
