/**
 * Staff passwords, hashed with scrypt (Node's built-in, memory-hard; RFC 7914). Chosen over the
 * `argon2` package to add no native addon: N = 2^15, r = 8, p = 1 costs 32 MiB and tens of
 * milliseconds per hash. The hash is a PHC string carrying its parameters and salt, so the
 * parameters can be raised later and old hashes still verify.
 */

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt needs 128·N·r bytes; Node refuses above maxmem, so leave headroom over 32 MiB. */
const MAX_MEM = 64 * 1024 * 1024;

/** NIST SP 800-63B-4 § 3.1.1.2: at least 15 characters for a password used alone; a cap bounds the work. */
export const PASSWORD_MIN_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { ...options, maxmem: MAX_MEM }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no padding: the PHC string format). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, { N: 2 ** LOG_N, r: R, p: P });
  return (
    `$scrypt$ln=${LOG_N},r=${R},p=${P}$${salt.toString('base64').replace(/=+$/, '')}` +
    `$${key.toString('base64').replace(/=+$/, '')}`
  );
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Whether `password` matches `stored`, compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (m === null) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), {
    N: 2 ** Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of nothing anyone knows, verified against when the username is unknown, so an unknown
 * user costs the same hash as a wrong password and timing does not tell them apart.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64'));
  return dummy;
}
