/**
 * Keys for signed notes (c2sp.org/signed-note): key IDs, the verifier key text
 * `<name>+<hex key ID>+<base64(type || public key)>`, the signer key text
 * `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || Ed25519 seed)>`, and Ed25519 through node:crypto.
 *
 * Ported from golang.org/x/mod/sumdb/note (note.go: keyHash, NewVerifier, NewSigner, GenerateKey;
 * Copyright 2019 The Go Authors, BSD-style licence), so keys read and written here are the keys Go's
 * note package reads and writes. Stricter than Go in two ways: the key ID must be lowercase hex, as
 * the spec writes it, and base64 must be canonical (see note-encoding.ts).
 */

import { createHash, createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { CredenceError } from '../../errors.ts';
import { chop, decodeBase64, encodeBase64, formatKeyId, isValidKeyName } from './note-encoding.ts';

/** Signature type 0x01: an Ed25519 signature of the note text (c2sp.org/signed-note). */
export const SIGNATURE_TYPE_ED25519 = 0x01;

const ED25519_KEY_SIZE = 32;
// DER prefixes that wrap a raw Ed25519 seed (PKCS #8) and public key (SPKI), RFC 8410 §7 and §4.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Checks signatures by one key, named and identified as in a note's signature lines. */
export interface NoteVerifier {
  readonly name: string;
  /** The 32-bit key ID that starts each of the key's signatures. */
  readonly keyId: number;
  /** Whether `signature` (without the key ID) is the key's signature of `text`. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs note texts with one private key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The verifier key text that checks this signer's signatures. */
  readonly verifierKey: string;
  /** The signature of `text`, without the key ID. */
  sign(text: Uint8Array): Uint8Array;
}

/** A new key pair as text: the secret signer key and the public verifier key. */
export interface KeyPair {
  readonly signerKey: string;
  readonly verifierKey: string;
}

/** A verifier key taken apart; `publicKey` is the key material after the type byte. */
export interface DecodedVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
}

/** A signer key taken apart; `seed` is the private key material after the type byte. */
export interface DecodedSignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly seed: Uint8Array;
}

/** The key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || type || public key). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(name, 'utf8').update('\n').update(Uint8Array.of(type));
  return digest.update(publicKey).digest().readUInt32BE(0);
}

/** The verifier key text `<name>+<hex key ID>+<base64(type || public key)>`. */
export function encodeVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  assertKeyName(name);
  const id = formatKeyId(computeKeyId(name, type, publicKey));
  return `${name}+${id}+${encodeBase64(Buffer.concat([Uint8Array.of(type), publicKey]))}`;
}

/** The signer key text `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`; `keyId` is the public key's. */
export function encodeSignerKey(name: string, keyId: number, type: number, seed: Uint8Array): string {
  assertKeyName(name);
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${encodeBase64(Buffer.concat([Uint8Array.of(type), seed]))}`;
}

/**
 * Takes a verifier key text apart and checks its key ID against its name and key material, whatever
 * its signature type. Throws CRD_NOTE_KEY_INVALID, naming what is wrong.
 */
export function decodeVerifierKey(vkey: string): DecodedVerifierKey {
  const [name, rest] = chop(vkey, '+');
  const [hexId, key64] = chop(rest, '+');
  const bytes = decodeKeyParts(name, hexId, key64, 'verifier key');
  const type = bytes[0]!;
  const publicKey = bytes.subarray(1);
  const keyId = Number.parseInt(hexId, 16);
  if (computeKeyId(name, type, publicKey) !== keyId) {
    throw keyError(`verifier key ${name}+${hexId}: the key ID does not match the name and key`);
  }
  return { name, keyId, type, publicKey };
}

/**
 * Takes a signer key text apart, whatever its signature type; the caller derives the public key and
 * checks `keyId` against it. Throws CRD_NOTE_KEY_INVALID; the message never repeats the secret.
 */
export function decodeSignerKey(skey: string): DecodedSignerKey {
  const [private1, rest1] = chop(skey, '+');
  const [private2, rest2] = chop(rest1, '+');
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') throw keyError('a signer key starts with PRIVATE+KEY+');
  const [name, rest3] = chop(rest2, '+');
  const [hexId, key64] = chop(rest3, '+');
  const bytes = decodeKeyParts(name, hexId, key64, 'signer key');
  return { name, keyId: Number.parseInt(hexId, 16), type: bytes[0]!, seed: bytes.subarray(1) };
}

/** A verifier of Ed25519 note signatures (type 0x01) from its verifier key text, as Go's note.NewVerifier. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const key = decodeVerifierKey(vkey);
  if (key.type !== SIGNATURE_TYPE_ED25519) {
    throw keyError(`verifier key ${key.name}: signature type ${key.type} is not Ed25519 (1)`);
  }
  if (key.publicKey.length !== ED25519_KEY_SIZE) throw keyError(`verifier key ${key.name}: not a 32-byte key`);
  return { name: key.name, keyId: key.keyId, verify: ed25519Verify(key.publicKey) };
}

/** A signer of Ed25519 notes from its signer key text, as Go's note.NewSigner. */
export function parseSignerKey(skey: string): NoteSigner {
  const key = decodeSignerKey(skey);
  if (key.type !== SIGNATURE_TYPE_ED25519) throw keyError(`signer key ${key.name}: signature type is not Ed25519 (1)`);
  const ed25519 = ed25519FromSeed(key.seed, `signer key ${key.name}`);
  const verifierKey = encodeVerifierKey(key.name, SIGNATURE_TYPE_ED25519, ed25519.publicKey);
  if (computeKeyId(key.name, SIGNATURE_TYPE_ED25519, ed25519.publicKey) !== key.keyId) {
    throw keyError(`signer key ${key.name}: the key ID does not match the key`);
  }
  return { name: key.name, keyId: key.keyId, verifierKey, sign: ed25519.sign };
}

/** A new Ed25519 key pair named `name` (randomness from node:crypto), as Go's note.GenerateKey. */
export function generateKeyPair(name: string): KeyPair {
  assertKeyName(name);
  const seed = randomBytes(ED25519_KEY_SIZE);
  const { publicKey } = ed25519FromSeed(seed, 'new key');
  const keyId = computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey);
  return {
    signerKey: encodeSignerKey(name, keyId, SIGNATURE_TYPE_ED25519, seed),
    verifierKey: encodeVerifierKey(name, SIGNATURE_TYPE_ED25519, publicKey),
  };
}

/** The Ed25519 key of a 32-byte seed: its raw public key and a signing function (RFC 8032). */
export function ed25519FromSeed(
  seed: Uint8Array,
  what: string,
): { readonly publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array } {
  if (seed.length !== ED25519_KEY_SIZE) throw keyError(`${what}: not a 32-byte Ed25519 seed`);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    publicKey: new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length)),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

/** A function that checks Ed25519 signatures by the raw 32-byte `publicKey` (RFC 8032). */
export function ed25519Verify(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => boolean {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch {
    throw keyError('not an Ed25519 public key');
  }
  return (message, signature) => {
    try {
      return verify(null, message, key, signature);
    } catch {
      return false; // a signature of the wrong length, or a key that is not a curve point
    }
  };
}

function decodeKeyParts(name: string, hexId: string, key64: string, what: string): Uint8Array {
  if (!isValidKeyName(name)) throw keyError(`${what}: the key name is empty or holds a space, a plus or a control`);
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw keyError(`${what} ${name}: the key ID is not 8 lowercase hex digits`);
  const bytes = decodeBase64(key64);
  if (bytes === null || bytes.length === 0) throw keyError(`${what} ${name}: the key is not base64`);
  return bytes;
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw keyError(`key name ${JSON.stringify(name)} is empty or holds a space, a plus or a control character`);
  }
}

function keyError(message: string): CredenceError {
  return new CredenceError('CRD_NOTE_KEY_INVALID', message);
}
