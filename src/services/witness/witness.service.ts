/**
 * The witness's one use case (c2sp.org/tlog-witness, add-checkpoint): check a log's new checkpoint against
 * the latest one this witness cosigned for that log, remember it durably, and cosign it (cosignature/v1).
 * In the spec's order: a malformed request (CRD_WITNESS_REQUEST_MALFORMED, CRD_NOTE_MALFORMED,
 * CRD_CHECKPOINT_MALFORMED: 400), a log it does not witness (404), no valid signature by the log's key
 * (CRD_NOTE_UNVERIFIED or CRD_NOTE_SIGNATURE_INVALID: 403), an old size above the checkpoint's (400), an old size
 * that is not the size it knows (409 with that size), a consistency proof that does not verify (422), the same
 * size with another root hash (a fork, 409). Signatures by keys it does not know are ignored, as the spec asks.
 *
 * The witness has no database: its context is its data directory, its key, the logs it witnesses and a clock.
 */

import { type Checkpoint, openCheckpoint } from '../../domain/log/checkpoint.ts';
import type { Cosigner } from '../../domain/log/cosignature.ts';
import { type Hash, sameHash, verifyConsistency } from '../../domain/log/merkle.ts';
import { type NoteVerifier, parseVerifierKey } from '../../domain/log/note-keys.ts';
import { formatSignatureLine, parseNote } from '../../domain/log/note.ts';
import { parseAddCheckpointRequest } from '../../domain/log/witness-request.ts';
import { CredenceError } from '../../errors.ts';
import { compareAndSwapWitnessState, readWitnessState, type WitnessLogState } from '../../store/witness-state-file.ts';

/** What every witness use case is given. */
export interface WitnessContext {
  /** Where the witness keeps its state (and its key). */
  readonly dataDir: string;
  readonly cosigner: Cosigner;
  /** The logs it witnesses, by origin: each log's checkpoint-signing key (see witnessedLogs). */
  readonly logs: ReadonlyMap<string, NoteVerifier>;
  /** The time a cosignature states. */
  readonly clock: () => Date;
}

/** The answer to add-checkpoint: cosigned, or refused because the old size is not the size the witness knows. */
export type AddCheckpointResult =
  | { readonly cosigned: true; readonly checkpoint: Checkpoint; readonly signatureLines: string }
  | { readonly cosigned: false; readonly knownSize: number };

/**
 * The logs named by these verifier keys (Ed25519 signed-note keys, each named for its log's origin, as
 * tlog-checkpoint asks), by origin. Throws CRD_NOTE_KEY_INVALID for a bad key and CRD_USAGE for none, or for
 * two keys of one origin.
 */
export function witnessedLogs(verifierKeys: readonly string[]): Map<string, NoteVerifier> {
  if (verifierKeys.length === 0) throw new CredenceError('CRD_USAGE', 'name the log to witness with --log VKEY');
  const logs = new Map<string, NoteVerifier>();
  for (const vkey of verifierKeys) {
    const verifier = parseVerifierKey(vkey.trim());
    if (logs.has(verifier.name)) {
      throw new CredenceError('CRD_USAGE', `two --log keys are named ${verifier.name}: give one key per log`);
    }
    logs.set(verifier.name, verifier);
  }
  return logs;
}

/**
 * Handles one add-checkpoint request body (see the file's comment for every refusal). On success the
 * new state is stored durably before the cosignature is made, and `signatureLines` is the response body:
 * the witness's cosignature line and a newline. A request that lost a race to a concurrent one, which moved
 * the state first, is refused as an old size mismatch with the new known size.
 */
export async function addCheckpoint(ctx: WitnessContext, body: string): Promise<AddCheckpointResult> {
  const request = parseAddCheckpointRequest(body);
  const origin = originOf(request.note);
  const log = ctx.logs.get(origin);
  if (log === undefined) throw new CredenceError('CRD_WITNESS_UNKNOWN_LOG', `this witness does not witness ${origin}`);
  const { checkpoint, text } = openCheckpoint(request.note, { log });
  if (request.oldSize > checkpoint.size) {
    throw new CredenceError(
      'CRD_WITNESS_REQUEST_MALFORMED',
      `old size ${request.oldSize} is above the checkpoint's size ${checkpoint.size}: a log never shrinks`,
    );
  }
  const known = await readWitnessState(ctx.dataDir, origin);
  const knownSize = known?.size ?? 0;
  if (request.oldSize !== knownSize) return { cosigned: false, knownSize };
  checkConsistency(known, checkpoint, request.proof);
  const next: WitnessLogState = { origin, size: checkpoint.size, rootHash: checkpoint.rootHash };
  const swap = await compareAndSwapWitnessState(ctx.dataDir, known, next);
  if (!swap.swapped) return { cosigned: false, knownSize: swap.current?.size ?? 0 };
  const signature = ctx.cosigner.cosign(text, ctx.clock());
  return { cosigned: true, checkpoint, signatureLines: `${formatSignatureLine(signature)}\n` };
}

/** The origin line of a note's text, read before any signature is checked, to choose the log's key. */
function originOf(note: string): string {
  const { text } = parseNote(note);
  return text.slice(0, text.indexOf('\n'));
}

/**
 * Whether the checkpoint extends the tree the witness knows: from no tree (or the empty one) anything
 * does; at the same size only the same root hash; otherwise the RFC 6962 proof must verify.
 */
function checkConsistency(known: WitnessLogState | null, checkpoint: Checkpoint, proof: readonly Hash[]): void {
  const oldSize = known?.size ?? 0;
  if (known !== null && oldSize === checkpoint.size && !sameHash(known.rootHash, checkpoint.rootHash)) {
    throw new CredenceError(
      'CRD_WITNESS_FORK',
      `${checkpoint.origin} has two trees of size ${oldSize} with different root hashes: the log forked`,
    );
  }
  if (known === null || oldSize === 0) return;
  const consistent = verifyConsistency({
    oldSize,
    oldRoot: known.rootHash,
    newSize: checkpoint.size,
    newRoot: checkpoint.rootHash,
    proof,
  });
  if (!consistent) {
    throw new CredenceError(
      'CRD_WITNESS_BAD_PROOF',
      `the consistency proof from size ${oldSize} to ${checkpoint.size} does not verify against the tree ` +
        `this witness cosigned for ${checkpoint.origin}`,
    );
  }
}
