/**
 * Monitoring a transparency log from outside (issue 9, item 6): fetch its signed checkpoint, check the log's
 * signature, and check that the tree it now signs contains the tree it signed the last time we looked. The last
 * verified tree (size, root and the signed note, as evidence) is kept in a state file replaced atomically. The
 * consistency proof is computed from the log's hash tiles (c2sp.org/tlog-tiles), each checked against the new
 * signed root by tileHashReader before use, then verified against the old root (RFC 9162 §2.1.4.2). The first
 * run has nothing to compare with and trusts what it sees (trust on first use), after checking the tiles.
 *
 * It needs no database and no ServiceContext: anyone can run it against any registry.
 */

import { type Checkpoint, openCheckpoint } from '../../domain/log/checkpoint.ts';
import type { HashReader } from '../../domain/log/hash-reader.ts';
import { sameHash, verifyConsistency } from '../../domain/log/merkle.ts';
import { decodeBase64, encodeBase64, formatKeyId } from '../../domain/log/note-encoding.ts';
import { type NoteVerifier, parseVerifierKey } from '../../domain/log/note-keys.ts';
import { tileHashReader } from '../../domain/log/tile-hash-reader.ts';
import { readConsistencyProof, readTreeHash } from '../../domain/log/tree-proofs.ts';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { readPrivateFile } from '../../store/private-file.ts';
import { replaceFile } from '../../store/replace-file.ts';
import { type Fetch, fetchCheckpointNote, httpTileReader, logPrefix } from './log-client.service.ts';

/** A tree the monitor verified: the log's origin, its size and root hash, and the signed checkpoint note. */
export interface MonitoredTree {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly note: string;
}

/** What one run of the monitor found: the tree seen before (null on the first run) and the tree now. */
export interface MonitorResult {
  readonly previous: MonitoredTree | null;
  readonly current: MonitoredTree;
}

/** What to monitor: the registry's public URL, the log's verifier key, and the state file. */
export interface MonitorRequest {
  readonly url: string;
  readonly logKey: string;
  readonly stateFile: string;
}

/**
 * Checks the log once and, when all is well, records the new tree in the state file. Throws CRD_NOTE_* for a
 * checkpoint the key does not verify, CRD_LOG_INCONSISTENT for a fork (same size, another root; or a tree that
 * does not contain the old one) or a shrinking tree, CRD_LOG_TILE_MISMATCH for tiles that do not match the signed
 * root, CRD_LOG_UNREACHABLE, and CRD_MONITOR_STATE_INVALID; the state file is left as it was on any failure.
 */
export async function monitorLog(request: MonitorRequest, fetch: Fetch): Promise<MonitorResult> {
  const verifier = parseVerifierKey(request.logKey);
  const prefix = logPrefix(request.url);
  const previous = await readMonitorState(request.stateFile, verifier.name);
  const note = Buffer.from(await fetchCheckpointNote(fetch, prefix)).toString('utf8');
  const current = openTree(note, verifier, prefix);
  const reader = tileHashReader({ size: current.size, root: current.root }, httpTileReader(fetch, prefix));
  await withTileErrors(current, () => checkConsistency(previous, current, reader));
  await replaceFile(request.stateFile, formatMonitorState(current));
  return { previous, current };
}

function openTree(note: string, verifier: NoteVerifier, prefix: string): MonitoredTree {
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(note, { log: verifier }).checkpoint;
  } catch (error) {
    if (!isCredenceError(error)) throw error;
    const key = `${verifier.name}+${formatKeyId(verifier.keyId)}`;
    throw new CredenceError(
      error.code,
      `the checkpoint at ${prefix}/checkpoint does not verify with ${key}: ${error.message}`,
    );
  }
  return { origin: checkpoint.origin, size: checkpoint.size, root: checkpoint.rootHash, note };
}

async function checkConsistency(old: MonitoredTree | null, now: MonitoredTree, reader: HashReader): Promise<void> {
  if (old === null || old.size === 0) {
    await readTreeHash(now.size, reader); // nothing to compare with: at least the tiles must match the root
    return;
  }
  if (now.size < old.size) {
    throw inconsistent(
      `the tree shrank: the log signed size ${old.size} before and signs size ${now.size} now`,
      old,
      now,
    );
  }
  if (now.size === old.size) {
    if (!sameHash(old.root, now.root))
      throw inconsistent(`the log signed two different trees of size ${now.size}`, old, now);
    return;
  }
  const proof = await readConsistencyProof(old.size, now.size, reader);
  const claim = { oldSize: old.size, oldRoot: old.root, newSize: now.size, newRoot: now.root, proof };
  if (!verifyConsistency(claim)) {
    throw inconsistent(
      `the tree of size ${now.size} does not contain the tree of size ${old.size} signed before`,
      old,
      now,
    );
  }
}

function inconsistent(what: string, old: MonitoredTree, now: MonitoredTree): CredenceError {
  return new CredenceError(
    'CRD_LOG_INCONSISTENT',
    `FORK DETECTED in ${now.origin}: ${what} (before: size ${old.size}, root ${encodeBase64(old.root)}; now: size ` +
      `${now.size}, root ${encodeBase64(now.root)}). Both checkpoints are signed by the log: keep the state file ` +
      'and the new checkpoint as evidence. The state file was not changed.',
  );
}

/** Runs `work`, reporting tiles that do not match the signed root (CRD_LEDGER_BROKEN from the reader) as such. */
async function withTileErrors(tree: MonitoredTree, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!isCredenceError(error) || error.code !== 'CRD_LEDGER_BROKEN') throw error;
    throw new CredenceError(
      'CRD_LOG_TILE_MISMATCH',
      `the log's tiles do not match its signed checkpoint (size ${tree.size}, root ${encodeBase64(tree.root)}): ` +
        `${error.message}. The log serves hashes of another tree than the one it signed.`,
    );
  }
}

/** The state file's JSON for a verified tree. */
function formatMonitorState(tree: MonitoredTree): string {
  const state = { origin: tree.origin, size: tree.size, root: encodeBase64(tree.root), checkpoint: tree.note };
  return `${JSON.stringify(state, null, 2)}\n`;
}

/**
 * The tree recorded in a state file, or null when there is no file (the first run). Throws
 * CRD_MONITOR_STATE_INVALID for a file that is not a monitor's state, or one kept for another log.
 */
export async function readMonitorState(file: string, origin: string): Promise<MonitoredTree | null> {
  const text = await readPrivateFile(file);
  if (text === null) return null;
  const invalid = (why: string) => new CredenceError('CRD_MONITOR_STATE_INVALID', `the state file ${file} ${why}`);
  let state: { origin?: unknown; size?: unknown; root?: unknown; checkpoint?: unknown };
  try {
    state = JSON.parse(text);
  } catch {
    throw invalid('is not JSON: move it away to start monitoring afresh');
  }
  const root = typeof state?.root === 'string' ? decodeBase64(state.root) : null;
  const size = state?.size;
  if (typeof state?.origin !== 'string' || !Number.isSafeInteger(size) || (size as number) < 0 || root === null) {
    throw invalid('does not hold an origin, a tree size and a root hash');
  }
  if (root.length !== 32) throw invalid('holds a root hash that is not 32 bytes');
  if (state.origin !== origin) {
    throw invalid(`holds the state of the log ${JSON.stringify(state.origin)}, not ${JSON.stringify(origin)}`);
  }
  const note = typeof state.checkpoint === 'string' ? state.checkpoint : '';
  return { origin, size: size as number, root, note };
}
