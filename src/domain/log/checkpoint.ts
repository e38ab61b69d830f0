/**
 * Checkpoints (c2sp.org/tlog-checkpoint): the note text that commits to a log's Merkle tree at one
 * size. Three lines, each ending in a newline: the origin, the tree size in decimal without leading
 * zeros, and the base64 of the RFC 6962 root hash; then optional non-empty extension lines.
 *
 * The format is transparency-dev/formats log.Checkpoint's (checkpoint.go, Marshal and Unmarshal),
 * parsed more strictly: a size with a sign, a leading zero or past 2^53 - 1, and a root hash that is
 * not the canonical base64 of exactly 32 bytes, are refused.
 */

import { CredenceError } from '../../errors.ts';
import { decodeBase64, encodeBase64, isNoteText } from './note-encoding.ts';
import type { NoteVerifier } from './note-keys.ts';
import { type NoteSignature, type OpenedNote, openNote } from './note.ts';

const ROOT_HASH_SIZE = 32; // SHA-256, RFC 6962 §2.1
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** A log's tree head: who (origin), how many leaves (size) and their RFC 6962 root hash. */
export interface Checkpoint {
  readonly origin: string;
  /** The number of leaves: an integer from 0 to Number.MAX_SAFE_INTEGER. */
  readonly size: number;
  /** The 32-byte RFC 6962 Merkle tree hash at `size`. */
  readonly rootHash: Uint8Array;
  /** Opaque extension lines, if any, each non-empty (their use is NOT RECOMMENDED by the spec). */
  readonly extensions?: readonly string[];
}

/** A checkpoint opened from a signed note. */
export interface SignedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The checkpoint's note text, exactly as signed. */
  readonly text: string;
  /** Verified signatures by the given cosigners (not the log's own). */
  readonly cosignatures: readonly NoteSignature[];
  readonly note: OpenedNote;
}

/** Options of openCheckpoint. */
export interface OpenCheckpointOptions {
  /** The log's key: its signature is required. */
  readonly log: NoteVerifier;
  /** The origin the checkpoint must carry; the log key's name unless given (tlog-checkpoint SHOULD). */
  readonly origin?: string;
  /** Witnesses whose cosignatures are checked if present (a known one that fails rejects the note). */
  readonly cosigners?: readonly NoteVerifier[];
}

/** The checkpoint's note text. Throws CRD_CHECKPOINT_MALFORMED for anything a parser would refuse. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (origin === '' || origin.includes('\n') || !isNoteText(origin)) {
    throw malformed('the origin must be one non-empty line without control characters');
  }
  if (!Number.isSafeInteger(size) || size < 0) throw malformed(`tree size ${size} is not a whole number of leaves`);
  if (rootHash.length !== ROOT_HASH_SIZE) throw malformed(`the root hash has ${rootHash.length} bytes, not 32`);
  for (const line of extensions) {
    if (line === '' || line.includes('\n') || !isNoteText(line)) {
      throw malformed('an extension line must be one non-empty line without control characters');
    }
  }
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** The checkpoint in a note text, read strictly. Throws CRD_CHECKPOINT_MALFORMED with the reason. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('the text must end with a newline');
  if (!isNoteText(text)) throw malformed('the text is not UTF-8 or holds a control character');
  const [origin = '', sizeLine = '', hashLine = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') throw malformed('the first line, the origin, is empty');
  if (!DECIMAL.test(sizeLine)) throw malformed('the second line must be the tree size in decimal, no leading zeros');
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw malformed(`tree size ${sizeLine} is beyond 2^53 - 1`);
  const rootHash = decodeBase64(hashLine);
  if (rootHash === null || rootHash.length !== ROOT_HASH_SIZE) {
    throw malformed('the third line must be the base64 of a 32-byte root hash');
  }
  if (extensions.includes('')) throw malformed('an extension line is empty');
  return { origin, size, rootHash, extensions };
}

/**
 * Opens a signed checkpoint: the note must verify (see openNote) with the log's own signature among
 * the verified ones, its text must be a checkpoint, and its origin the expected one. Throws
 * CRD_NOTE_* from openNote, CRD_NOTE_UNVERIFIED without the log's signature, and
 * CRD_CHECKPOINT_MALFORMED for a bad body or another origin.
 */
export function openCheckpoint(note: Uint8Array | string, options: OpenCheckpointOptions): SignedCheckpoint {
  const { log, origin = log.name, cosigners = [] } = options;
  const opened = openNote(note, [log, ...cosigners]);
  const isLog = (s: NoteSignature) => s.name === log.name && s.keyId === log.keyId;
  if (!opened.verified.some(isLog)) {
    throw new CredenceError('CRD_NOTE_UNVERIFIED', `the checkpoint is not signed by the log key ${log.name}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== origin) {
    throw malformed(`the checkpoint is for ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}`);
  }
  const cosignatures = opened.verified.filter((s) => !isLog(s));
  return { checkpoint, text: opened.text, cosignatures, note: opened };
}

function malformed(reason: string): CredenceError {
  return new CredenceError('CRD_CHECKPOINT_MALFORMED', `malformed checkpoint: ${reason}`);
}
