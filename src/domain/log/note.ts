/**
 * Signed notes (c2sp.org/signed-note): a text ending in a newline, a blank line, then one or more
 * signature lines `— <key name> <base64(key ID || signature)>`. Signing, and opening against a set
 * of trusted verifiers: signatures by unknown keys are kept aside, every known one must verify, and
 * at least one must be known.
 *
 * Ported from golang.org/x/mod/sumdb/note (note.go: Open, Sign; Copyright 2019 The Go Authors,
 * BSD-style licence): the same notes open and fail here as there, with Go's limit of 100 signatures
 * (the spec asks for at least 16). Stricter than Go: base64 must be canonical, and a note is never
 * signed with text that could not be opened again.
 */

import { CredenceError } from '../../errors.ts';
import { chop, decodeBase64, encodeBase64, formatKeyId, isNoteText, isValidKeyName } from './note-encoding.ts';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';

/** The most signature lines a note may carry: more is refused as malformed, as Go's note.Open does. */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = '— '; // em dash (U+2014), space
const KEY_ID_SIZE = 4;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One signature line of a note, verified or not: the key's name and ID, and the line's base64. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** base64(key ID || signature), exactly as the line carries it. */
  readonly base64: string;
}

/** A note taken apart but not verified: its text must not be trusted yet. */
export interface ParsedNote {
  /** The signed text, with its final newline, without the blank line. */
  readonly text: string;
  /** Every signature line, in order, duplicates included. */
  readonly signatures: readonly NoteSignature[];
}

/** A note whose signatures by known keys all verified. */
export interface OpenedNote {
  readonly text: string;
  /** Signatures by known keys, each key once, in the note's order. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys not among the verifiers (identical lines once), left unchecked. */
  readonly unverified: readonly NoteSignature[];
}

/**
 * Takes a note apart without checking any signature, for a caller that must read the text to choose
 * its verifiers (a witness reads the origin). Throws CRD_NOTE_MALFORMED: not UTF-8, an ASCII control
 * character, no blank line before the signatures, a bad signature line, or too many of them.
 */
export function parseNote(note: Uint8Array | string): ParsedNote {
  const message = typeof note === 'string' ? note : decodeUtf8(note);
  if (!isNoteText(message)) throw malformed('it is not UTF-8 or holds an ASCII control character');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line separates the text from the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('the signature lines must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/**
 * Opens a note against trusted `verifiers`, as Go's note.Open. A signature whose name and key ID
 * match a verifier must verify (else CRD_NOTE_SIGNATURE_INVALID); others are returned unverified;
 * at least one must verify (else CRD_NOTE_UNVERIFIED). Two verifiers with the same name and key ID
 * are refused (CRD_NOTE_KEY_INVALID) when a signature names them. Malformed: CRD_NOTE_MALFORMED.
 */
export function openNote(note: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(note);
  const known = Map.groupBy(verifiers, (v) => keyLabel(v.name, v.keyId));
  const textBytes = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const signature of signatures) {
    const label = keyLabel(signature.name, signature.keyId);
    const matches = known.get(label);
    if (matches === undefined) {
      const line = `${label} ${signature.base64}`;
      if (!seen.has(line)) unverified.push(signature);
      seen.add(line);
      continue;
    }
    if (matches.length > 1) throw new CredenceError('CRD_NOTE_KEY_INVALID', `ambiguous key ${label}`);
    if (seen.has(label)) continue; // a repeated signature by one key counts once, as in Go
    seen.add(label);
    const bytes = decodeBase64(signature.base64)!.subarray(KEY_ID_SIZE);
    if (!matches[0]!.verify(textBytes, bytes)) {
      throw new CredenceError('CRD_NOTE_SIGNATURE_INVALID', `invalid signature for key ${label}`);
    }
    verified.push(signature);
  }
  if (verified.length === 0) throw unverifiedError(signatures);
  return { text, verified, unverified };
}

/**
 * Signs `text` (which must end in a newline) with each signer, as Go's note.Sign: the note lists
 * `existing` signatures first, less any by a key that signs anew, then the new ones. Throws
 * CRD_NOTE_MALFORMED for text a note cannot carry or a bad existing signature, and
 * CRD_NOTE_KEY_INVALID for a signer whose name a note cannot carry.
 */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  assertSignableText(text);
  const textBytes = Buffer.from(text, 'utf8');
  const renewed = new Set<string>();
  const added = signers.map((signer): NoteSignature => {
    if (!isValidKeyName(signer.name)) throw new CredenceError('CRD_NOTE_KEY_INVALID', 'invalid signer name');
    renewed.add(keyLabel(signer.name, signer.keyId));
    const keyId = Buffer.alloc(KEY_ID_SIZE);
    keyId.writeUInt32BE(signer.keyId);
    const base64 = encodeBase64(Buffer.concat([keyId, signer.sign(textBytes)]));
    return { name: signer.name, keyId: signer.keyId, base64 };
  });
  const kept = existing.filter((s) => !renewed.has(keyLabel(s.name, s.keyId)));
  return formatNote(text, [...kept, ...added]);
}

/**
 * The note of `text` with these signature lines, in this order. For assembling a note from
 * signatures made elsewhere (a witness's cosignatures); the signatures are not checked, only their
 * form: each must name a valid key and carry base64 that starts with its key ID.
 */
export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  assertSignableText(text);
  if (signatures.length === 0) throw malformed('a signed note needs at least one signature');
  if (signatures.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return `${text}\n${signatures.map((s) => `${formatSignatureLine(s)}\n`).join('')}`;
}

/** One signature line, `— <name> <base64>`, without its newline; its form is checked as in formatNote. */
export function formatSignatureLine(signature: NoteSignature): string {
  const bytes = decodeBase64(signature.base64);
  const form = isValidKeyName(signature.name) && bytes !== null && bytes.length > KEY_ID_SIZE;
  if (!form || Buffer.from(bytes).readUInt32BE(0) !== signature.keyId) {
    throw malformed(`the signature by ${JSON.stringify(signature.name)} is not a key ID and signature in base64`);
  }
  return `${SIGNATURE_PREFIX}${signature.name} ${signature.base64}`;
}

/**
 * Reads one signature line, `— <name> <base64(key ID || signature)>`, without its newline (a
 * c2sp.org/tlog-witness answer is such lines). Throws CRD_NOTE_MALFORMED.
 */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with an em dash and a space');
  const [name, base64] = chop(line.slice(SIGNATURE_PREFIX.length), ' ');
  const bytes = decodeBase64(base64);
  if (!isValidKeyName(name) || !isNoteText(line) || bytes === null || bytes.length <= KEY_ID_SIZE) {
    throw malformed('a signature line must be a key name, a space and base64 of a key ID and signature');
  }
  return { name, keyId: Buffer.from(bytes).readUInt32BE(0), base64 };
}

function assertSignableText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('the text must end with a newline');
  if (!isNoteText(text)) throw malformed('the text is not UTF-8 or holds an ASCII control character');
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw malformed('it is not UTF-8');
  }
}

function keyLabel(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}

function unverifiedError(signatures: readonly NoteSignature[]): CredenceError {
  const keys = [...new Set(signatures.map((s) => keyLabel(s.name, s.keyId)))];
  const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', …' : '');
  return new CredenceError('CRD_NOTE_UNVERIFIED', `the note has no signature by a trusted key (signed by ${shown})`);
}

function malformed(reason: string): CredenceError {
  return new CredenceError('CRD_NOTE_MALFORMED', `malformed note: ${reason}`);
}
