/**
 * Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519 `cosignature/v1`): a note signature on a
 * checkpoint whose signed message is
 *
 *     cosignature/v1\n
 *     time <POSIX seconds, decimal, no leading zeros>\n
 *     <the whole checkpoint text>
 *
 * and whose signature bytes are the 8-byte big-endian timestamp then the Ed25519 signature. The key
 * ID uses signature type 0x04: SHA-256(name || 0x0A || 0x04 || public key)[:4].
 *
 * Ported from transparency-dev/formats note/note_cosigv1.go (NewSignerForCosignatureV1,
 * NewVerifierForCosignatureV1, CosignatureTimestamp; Copyright 2023 The Go Authors, BSD-style
 * licence). As there, a key of type 0x01 (a plain signed-note key) is accepted and used as 0x04.
 */

import { randomBytes } from 'node:crypto';
import { CredenceError } from '../../errors.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { decodeBase64, encodeBase64 } from './note-encoding.ts';
import {
  computeKeyId,
  type DecodedVerifierKey,
  decodeSignerKey,
  decodeVerifierKey,
  ed25519FromSeed,
  ed25519Verify,
  encodeSignerKey,
  encodeVerifierKey,
  type KeyPair,
  type NoteVerifier,
  SIGNATURE_TYPE_ED25519,
} from './note-keys.ts';
import type { NoteSignature } from './note.ts';

/** Signature type 0x04: a timestamped Ed25519 witness cosignature (c2sp.org/signed-note). */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

const KEY_ID_SIZE = 4;
const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n; // tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1

/** A witness's signing key: it cosigns checkpoints it has checked. */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  /** The verifier key text `<name>+<hex key ID>+<base64(0x04 || public key)>`. */
  readonly verifierKey: string;
  /** The cosignature of `checkpointText` at `now` (whole seconds). Throws CRD_CHECKPOINT_MALFORMED. */
  cosign(checkpointText: string, now: Date): NoteSignature;
}

/**
 * The message a cosignature/v1 signs: the header line, the time line and the checkpoint text.
 * `timestamp` is in POSIX seconds, an integer from 0 to 2^63 - 1.
 */
export function cosignatureMessage(checkpointText: string, timestamp: number | bigint): Uint8Array {
  const seconds = BigInt(timestamp);
  if (seconds < 0n || seconds > MAX_TIMESTAMP) throw new RangeError(`timestamp ${seconds} is out of range`);
  return Buffer.from(`cosignature/v1\ntime ${seconds}\n${checkpointText}`, 'utf8');
}

/**
 * A cosigner from its signer key text, `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || seed)>`
 * (type 0x01 is accepted too, with its own key ID, as Go does). Throws CRD_NOTE_KEY_INVALID.
 */
export function parseCosignerKey(skey: string): Cosigner {
  const key = decodeSignerKey(skey);
  if (key.type !== SIGNATURE_TYPE_COSIGNATURE_V1 && key.type !== SIGNATURE_TYPE_ED25519) {
    throw keyError(`signer key ${key.name}: signature type ${key.type} is not an Ed25519 cosignature (4)`);
  }
  const ed25519 = ed25519FromSeed(key.seed, `signer key ${key.name}`);
  if (computeKeyId(key.name, key.type, ed25519.publicKey) !== key.keyId) {
    throw keyError(`signer key ${key.name}: the key ID does not match the key`);
  }
  const keyId = computeKeyId(key.name, SIGNATURE_TYPE_COSIGNATURE_V1, ed25519.publicKey);
  const cosign = (checkpointText: string, now: Date): NoteSignature => {
    parseCheckpoint(checkpointText);
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = ed25519.sign(cosignatureMessage(checkpointText, timestamp));
    const head = Buffer.alloc(KEY_ID_SIZE + TIMESTAMP_SIZE);
    head.writeUInt32BE(keyId, 0);
    head.writeBigUInt64BE(BigInt(timestamp), KEY_ID_SIZE);
    return { name: key.name, keyId, base64: encodeBase64(Buffer.concat([head, signature])) };
  };
  const verifierKey = encodeVerifierKey(key.name, SIGNATURE_TYPE_COSIGNATURE_V1, ed25519.publicKey);
  return { name: key.name, keyId, verifierKey, cosign };
}

/**
 * A verifier of cosignature/v1 signatures from a witness's verifier key text (type 0x04; type 0x01
 * is read as the same key with a 0x04 key ID, as Go's NewVerifierForCosignatureV1). It accepts only
 * signatures over a well-formed checkpoint. Use it with openNote or openCheckpoint.
 * Throws CRD_NOTE_KEY_INVALID.
 */
export function parseCosignatureVerifierKey(vkey: string): NoteVerifier {
  const key: DecodedVerifierKey = decodeVerifierKey(vkey);
  if (key.type !== SIGNATURE_TYPE_COSIGNATURE_V1 && key.type !== SIGNATURE_TYPE_ED25519) {
    throw keyError(`verifier key ${key.name}: signature type ${key.type} is not an Ed25519 cosignature (4)`);
  }
  const verifyEd25519 = ed25519Verify(key.publicKey);
  const verify = (text: Uint8Array, signature: Uint8Array): boolean => {
    if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) return false;
    const timestamp = Buffer.from(signature).readBigUInt64BE(0);
    const checkpointText = Buffer.from(text).toString('utf8');
    if (timestamp > MAX_TIMESTAMP || !isCheckpoint(checkpointText)) return false;
    return verifyEd25519(cosignatureMessage(checkpointText, timestamp), signature.subarray(TIMESTAMP_SIZE));
  };
  const keyId = computeKeyId(key.name, SIGNATURE_TYPE_COSIGNATURE_V1, key.publicKey);
  return { name: key.name, keyId, verify };
}

/** A new Ed25519 witness key pair named `name`, both texts of type 0x04 (randomness from node:crypto). */
export function generateCosignerKeyPair(name: string): KeyPair {
  const seed = randomBytes(32);
  const { publicKey } = ed25519FromSeed(seed, 'new key');
  const verifierKey = encodeVerifierKey(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
  const keyId = computeKeyId(name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey);
  return { signerKey: encodeSignerKey(name, keyId, SIGNATURE_TYPE_COSIGNATURE_V1, seed), verifierKey };
}

/**
 * The time a cosignature/v1 signature claims, in POSIX seconds, read without verifying it (a
 * verifier MAY refuse one from the future). Throws CRD_NOTE_MALFORMED if it is not of that form.
 */
export function cosignatureTimestamp(signature: NoteSignature): number {
  const bytes = decodeBase64(signature.base64);
  if (bytes === null || bytes.length !== KEY_ID_SIZE + TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) {
    throw new CredenceError('CRD_NOTE_MALFORMED', `the signature by ${signature.name} is not a cosignature/v1`);
  }
  const timestamp = Buffer.from(bytes).readBigUInt64BE(KEY_ID_SIZE);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CredenceError('CRD_NOTE_MALFORMED', `the cosignature by ${signature.name} has an impossible time`);
  }
  return Number(timestamp);
}

function isCheckpoint(text: string): boolean {
  try {
    parseCheckpoint(text);
    return true;
  } catch {
    return false;
  }
}

function keyError(message: string): CredenceError {
  return new CredenceError('CRD_NOTE_KEY_INVALID', message);
}
