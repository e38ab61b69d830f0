/**
 * The body of a c2sp.org/tlog-witness `add-checkpoint` request: an old size line `old <decimal>`, zero
 * or more consistency proof lines (each the base64 of one 32-byte hash, at most 63), an empty line, then
 * the signed checkpoint note. Every line ends in a newline. Parsed strictly: anything else is refused
 * with CRD_WITNESS_REQUEST_MALFORMED, which a witness answers with 400 Bad Request.
 */

import { CredenceError } from '../../errors.ts';
import { HASH_SIZE, type Hash } from './merkle.ts';
import { decodeBase64, encodeBase64 } from './note-encoding.ts';

/** The most consistency proof lines a client may send (tlog-witness: "MUST NOT send more than 63"). */
export const MAX_PROOF_LINES = 63;

const OLD_SIZE_LINE = /^old (0|[1-9][0-9]*)$/;

/** An add-checkpoint request taken apart; the note is not verified yet. */
export interface AddCheckpointRequest {
  /** The tree size the client believes the witness last cosigned (0: never). */
  readonly oldSize: number;
  /** The RFC 6962 consistency proof from `oldSize` to the checkpoint's size; empty when `oldSize` is 0. */
  readonly proof: readonly Hash[];
  /** The signed checkpoint note, exactly as sent. */
  readonly note: string;
}

/**
 * Takes an add-checkpoint body apart. Throws CRD_WITNESS_REQUEST_MALFORMED naming the fault: no empty
 * line, a bad old size line, a proof line that is not the base64 of 32 bytes, too many proof lines, or a
 * proof sent with old size 0 (tlog-witness: "The proof MUST be empty if the old size is zero").
 */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const split = body.indexOf('\n\n');
  if (split < 0) throw malformed('no empty line separates the old size and proof from the checkpoint');
  const [sizeLine = '', ...proofLines] = body.slice(0, split).split('\n');
  const size = OLD_SIZE_LINE.exec(sizeLine)?.[1];
  if (size === undefined) throw malformed('the first line must be "old" and a size in decimal, no leading zeros');
  const oldSize = Number(size);
  if (!Number.isSafeInteger(oldSize)) throw malformed(`old size ${size} is beyond 2^53 - 1`);
  if (proofLines.length > MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  if (oldSize === 0 && proofLines.length > 0) throw malformed('a consistency proof from old size 0 must be empty');
  const proof = proofLines.map((line, i) => {
    const hash = decodeBase64(line);
    if (hash === null || hash.length !== HASH_SIZE) {
      throw malformed(`proof line ${i + 1} is not the base64 of a ${HASH_SIZE}-byte hash`);
    }
    return hash;
  });
  return { oldSize, proof, note: body.slice(split + 2) };
}

/** The body of an add-checkpoint request, as parseAddCheckpointRequest reads it. */
export function formatAddCheckpointRequest(request: AddCheckpointRequest): string {
  const lines = [`old ${request.oldSize}`, ...request.proof.map(encodeBase64)];
  return `${lines.map((line) => `${line}\n`).join('')}\n${request.note}`;
}

function malformed(reason: string): CredenceError {
  return new CredenceError('CRD_WITNESS_REQUEST_MALFORMED', `malformed add-checkpoint request: ${reason}`);
}
