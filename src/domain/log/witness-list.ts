/**
 * The witnesses a log submits its checkpoints to (c2sp.org/tlog-witness), as CREDENCE_LOG_WITNESSES names
 * them: comma-separated `URL VKEY` pairs, one space between the witness's base URL (http or https; its
 * `add-checkpoint` endpoint is under it) and its cosignature/v1 verifier key. And the capped, jittered
 * exponential backoff after which a failing witness is tried again.
 */

import { parseCosignatureVerifierKey } from './cosignature.ts';
import type { NoteVerifier } from './note-keys.ts';

/** One witness: where it listens and the key its cosignatures must verify with. */
export interface WitnessEndpoint {
  /** The base URL, without a trailing slash: requests go to `<url>/add-checkpoint`. */
  readonly url: string;
  /** The verifier key text, exactly as configured. */
  readonly verifierKey: string;
  readonly verifier: NoteVerifier;
}

/** The first retry waits about this long after a failure. */
export const WITNESS_BACKOFF_BASE_MS = 1000;
/** No wait between retries is longer than this. */
export const WITNESS_BACKOFF_CAP_MS = 5 * 60 * 1000;

/**
 * The witnesses of a CREDENCE_LOG_WITNESSES value (empty: none). Throws an Error whose message says what is
 * wrong with which entry: not `URL VKEY`, a URL that is not http(s), a bad key (CRD_NOTE_KEY_INVALID's
 * message), or a key given twice.
 */
export function parseWitnessList(raw: string): WitnessEndpoint[] {
  if (raw.trim() === '') return [];
  const witnesses: WitnessEndpoint[] = [];
  raw.split(',').forEach((item, i) => {
    const entry = item.trim();
    const parts = entry.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new Error(`entry ${i + 1} must be a URL, one space and a verifier key`);
    }
    const [url = '', verifierKey = ''] = parts;
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new Error(`entry ${i + 1}: ${JSON.stringify(url)} is not an http:// or https:// URL`);
    }
    let verifier: NoteVerifier;
    try {
      verifier = parseCosignatureVerifierKey(verifierKey);
    } catch (error) {
      throw new Error(`entry ${i + 1}: ${(error as Error).message}`);
    }
    if (witnesses.some((w) => w.verifierKey === verifierKey)) {
      throw new Error(`entry ${i + 1}: the key of ${verifier.name} is given twice`);
    }
    witnesses.push({ url: url.replace(/\/+$/, ''), verifierKey, verifier });
  });
  return witnesses;
}

/**
 * How long to wait before trying a witness again after its `failures`-th failure in a row (1, 2, …):
 * base · 2^(failures − 1), capped, times a jitter factor from 0.5 to 1 drawn from `random` (in [0, 1)), so
 * that retries of many registries do not arrive together.
 */
export function witnessBackoffMs(failures: number, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const delay = Math.min(WITNESS_BACKOFF_CAP_MS, WITNESS_BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(delay * (0.5 + random() / 2));
}
