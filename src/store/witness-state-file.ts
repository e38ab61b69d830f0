/**
 * A witness's durable record of the latest checkpoint it cosigned for each log (c2sp.org/tlog-witness):
 * one small JSON file per log, `<dir>/logs/<SHA-256 of the origin, hex>.json`, holding the origin, the
 * tree size and the base64 root hash. It changes only by compare-and-swap: under a lock held by this
 * process, the stored state is read and compared with what the caller checked against, and only if it is
 * still that is the new state written to a temporary file, flushed, renamed into place and the folder
 * flushed. So two requests never both advance from one state (the rollback race the spec describes), and
 * a crash leaves the old state or the new one, never a mix. One witness process per data directory.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeBase64, encodeBase64 } from '../domain/log/note-encoding.ts';
import { CredenceError } from '../errors.ts';
import { replaceFile } from './replace-file.ts';

/** The latest checkpoint a witness cosigned for one log. */
export interface WitnessLogState {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** The outcome of a compare-and-swap: swapped, or not, with the state found instead (null: none). */
export type SwapResult =
  | { readonly swapped: true }
  | { readonly swapped: false; readonly current: WitnessLogState | null };

const locks = new Map<string, Promise<unknown>>();

/** The file that holds the state of the log `origin` under the witness's data directory `dir`. */
export function witnessStateFile(dir: string, origin: string): string {
  return path.join(dir, 'logs', `${createHash('sha256').update(origin, 'utf8').digest('hex')}.json`);
}

/**
 * The state stored for `origin`, or null if the witness never cosigned a checkpoint of that log. Throws
 * CRD_WITNESS_STATE_CORRUPT for a file that cannot be read as a state of that log.
 */
export async function readWitnessState(dir: string, origin: string): Promise<WitnessLogState | null> {
  const file = witnessStateFile(dir, origin);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return decodeState(file, origin, text);
}

/**
 * Replaces the state of `next.origin` with `next` if it is still `expected` (null: no state yet), atomically
 * and durably (see the file's comment). Resolves to whether it did, and if not, to the state found.
 */
export function compareAndSwapWitnessState(
  dir: string,
  expected: WitnessLogState | null,
  next: WitnessLogState,
): Promise<SwapResult> {
  const file = witnessStateFile(dir, next.origin);
  return withLock(file, async (): Promise<SwapResult> => {
    const current = await readWitnessState(dir, next.origin);
    if (!sameState(current, expected)) return { swapped: false, current };
    await replaceFile(file, encodeState(next));
    return { swapped: true };
  });
}

function sameState(a: WitnessLogState | null, b: WitnessLogState | null): boolean {
  if (a === null || b === null) return a === b;
  return a.origin === b.origin && a.size === b.size && Buffer.from(a.rootHash).equals(b.rootHash);
}

/** Runs `work` once every earlier holder of the lock `key` has finished, in this process. */
async function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

function encodeState(state: WitnessLogState): string {
  return `${JSON.stringify({ origin: state.origin, size: state.size, root_hash: encodeBase64(state.rootHash) })}\n`;
}

function decodeState(file: string, origin: string, text: string): WitnessLogState {
  let value: { origin?: unknown; size?: unknown; root_hash?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(file, 'it is not JSON');
  }
  const rootHash = typeof value.root_hash === 'string' ? decodeBase64(value.root_hash) : null;
  if (value.origin !== origin) throw corrupt(file, `it is not the state of ${JSON.stringify(origin)}`);
  if (!Number.isSafeInteger(value.size) || (value.size as number) < 0) throw corrupt(file, 'the size is not a count');
  if (rootHash === null || rootHash.length !== 32) throw corrupt(file, 'the root hash is not 32 bytes in base64');
  return { origin, size: value.size as number, rootHash };
}

function corrupt(file: string, reason: string): CredenceError {
  return new CredenceError(
    'CRD_WITNESS_STATE_CORRUPT',
    `the witness state file ${file} is unreadable (${reason}): restore it from a backup; ` +
      'starting the log afresh would let the witness cosign a fork',
  );
}
