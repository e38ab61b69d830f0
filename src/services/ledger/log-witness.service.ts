/**
 * Submitting the log's checkpoints to its witnesses (c2sp.org/tlog-witness, the log's side; issue 9). Each
 * active witness that has not cosigned the latest signed checkpoint, and is not waiting out a backoff, gets
 * `POST <url>/add-checkpoint`: `old <size>` (the size the witness last said it knows), the consistency proof
 * from that size read from the stored tiles, and the signed checkpoint. A 409 `text/x.tlog.size` teaches the
 * witness's size and the request is sent again from it. The answer's cosignature line is kept only if it
 * verifies with the witness's configured key. A witness that fails (down, slow, erring, or an invalid
 * cosignature) is tried again after a capped exponential backoff with jitter; witnesses are tried in parallel,
 * so none waits for another; the latest checkpoint supersedes any it missed.
 */

import { openNote, parseNote, parseSignatureLine } from '../../domain/log/note.ts';
import { formatAddCheckpointRequest } from '../../domain/log/witness-request.ts';
import { type WitnessEndpoint, witnessBackoffMs } from '../../domain/log/witness-list.ts';
import { readConsistencyProof } from '../../domain/log/tree-proofs.ts';
import { type CheckpointRow, getLatestCheckpoint } from '../../store/log.repository.ts';
import {
  getActiveWitnesses,
  insertCosignature,
  setActiveWitnesses,
  updateWitness,
  type WitnessRow,
} from '../../store/log-witnesses.repository.ts';
import type { ServiceContext } from '../context.ts';
import { storedHashReader } from './log-tiles.service.ts';

/** How long one request to a witness may take before it counts as a failure. */
export const WITNESS_TIMEOUT_MS = 10_000;
/** How many times one attempt follows a witness's 409 to a size it names. */
const SIZE_RETRIES = 2;
const SIZE_TYPE = 'text/x.tlog.size';

/** What the submission uses: the configured witnesses, and (for tests) fetch, the timeout and randomness. */
export interface WitnessSubmission {
  readonly witnesses: readonly WitnessEndpoint[];
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** Jitter for the backoff, in [0, 1); default Math.random. */
  readonly random?: () => number;
}

/** What happened with one witness in one submission. */
export interface WitnessOutcome {
  readonly verifierKey: string;
  readonly outcome: 'cosigned' | 'failed';
  readonly size: number;
  readonly error?: string;
}

/**
 * Stores the configured witnesses as the active ones and the quorum publication needs (0: publish every
 * signed checkpoint). The server calls it once at start.
 */
export async function configureWitnesses(
  ctx: ServiceContext,
  witnesses: readonly WitnessEndpoint[],
  quorum: number,
): Promise<void> {
  await ctx.db.transaction().execute((trx) => setActiveWitnesses(trx, witnesses, quorum));
}

/**
 * One round of submission (see the file's comment): returns what happened with each witness it tried, none
 * if every witness has cosigned the latest checkpoint or waits out its backoff. Failures are recorded, not
 * thrown.
 */
export async function submitToWitnesses(ctx: ServiceContext, submission: WitnessSubmission): Promise<WitnessOutcome[]> {
  const latest = await getLatestCheckpoint(ctx.db);
  if (latest === undefined) return [];
  const now = ctx.clock();
  const byKey = new Map(submission.witnesses.map((w) => [w.verifierKey, w]));
  const due = (await getActiveWitnesses(ctx.db)).filter(
    (row) =>
      byKey.has(row.verifier_key) &&
      row.cosigned_size !== latest.size &&
      (row.next_attempt_at === null || row.next_attempt_at <= now),
  );
  return Promise.all(due.map((row) => attempt(ctx, submission, byKey.get(row.verifier_key)!, row, latest)));
}

async function attempt(
  ctx: ServiceContext,
  submission: WitnessSubmission,
  witness: WitnessEndpoint,
  row: WitnessRow,
  latest: CheckpointRow,
): Promise<WitnessOutcome> {
  const learned = { size: row.known_size ?? 0 };
  try {
    const line = await cosign(ctx, submission, witness, latest, learned);
    // One transaction: publication (which reads the cosignatures) never sees one the witness's status lacks.
    await ctx.db.transaction().execute(async (trx) => {
      await insertCosignature(trx, latest.size, witness.verifierKey, line);
      await updateWitness(trx, witness.verifierKey, {
        cosigned_size: latest.size,
        known_size: latest.size,
        failures: 0,
        failing_since: null,
        next_attempt_at: null,
        last_error: null,
      });
    });
    return { verifierKey: witness.verifierKey, outcome: 'cosigned', size: latest.size };
  } catch (error) {
    const now = ctx.clock();
    const failures = row.failures + 1;
    const message = error instanceof Error ? error.message : String(error);
    await updateWitness(ctx.db, witness.verifierKey, {
      known_size: learned.size,
      failures,
      failing_since: row.failing_since ?? now,
      next_attempt_at: new Date(now.getTime() + witnessBackoffMs(failures, submission.random ?? Math.random)),
      last_error: message.slice(0, 500),
    });
    return { verifierKey: witness.verifierKey, outcome: 'failed', size: latest.size, error: message };
  }
}

/** Sends the checkpoint from the witness's known size, following its 409s; the verified cosignature line. */
async function cosign(
  ctx: ServiceContext,
  submission: WitnessSubmission,
  witness: WitnessEndpoint,
  latest: CheckpointRow,
  learned: { size: number },
): Promise<string> {
  for (let tries = 0; tries <= SIZE_RETRIES; tries++) {
    if (learned.size > latest.size) {
      throw new Error(`the witness knows a tree of ${learned.size} leaves, more than the log's ${latest.size}`);
    }
    const proof =
      learned.size === 0 || learned.size === latest.size
        ? []
        : await readConsistencyProof(learned.size, latest.size, storedHashReader(ctx.db));
    const body = formatAddCheckpointRequest({ oldSize: learned.size, proof, note: latest.note });
    const response = await (submission.fetch ?? fetch)(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(submission.timeoutMs ?? WITNESS_TIMEOUT_MS),
    });
    const text = await response.text();
    const size = response.status === 409 ? knownSize(response, text) : undefined;
    if (size !== undefined) {
      learned.size = size;
      continue;
    }
    if (!response.ok) throw new Error(`the witness answered ${response.status}: ${text.trim().slice(0, 300)}`);
    return verifiedCosignature(text, latest.note, witness);
  }
  throw new Error('the witness kept answering 409 with another size');
}

/** The size a 409 `text/x.tlog.size` answer names; undefined for any other 409 (a fork is refused so). */
function knownSize(response: Response, text: string): number | undefined {
  if (!(response.headers.get('content-type') ?? '').startsWith(SIZE_TYPE)) return undefined;
  const match = /^(0|[1-9][0-9]*)\n?$/.exec(text);
  const size = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(size)) throw new Error(`the witness answered 409 with no size: ${text.slice(0, 100)}`);
  return size;
}

/** The line of the answer by the witness's key that verifies on the checkpoint; throws if there is none. */
function verifiedCosignature(body: string, note: string, witness: WitnessEndpoint): string {
  const { text } = parseNote(note);
  const { name, keyId } = witness.verifier;
  for (const line of body.split('\n').filter((l) => l !== '')) {
    let signature: ReturnType<typeof parseSignatureLine>;
    try {
      signature = parseSignatureLine(line);
    } catch {
      continue;
    }
    if (signature.name !== name || signature.keyId !== keyId) continue;
    try {
      openNote(`${text}\n${line}\n`, [witness.verifier]);
      return line;
    } catch {
      throw new Error(`the witness's cosignature does not verify with its key ${name}`);
    }
  }
  throw new Error(`the witness answered no cosignature by its key ${name}`);
}
