/**
 * Which checkpoint the log publishes (issue 9): the latest signed checkpoint that at least the quorum of its
 * active witnesses cosigned, as a note with the log's signature and then their cosignature lines
 * (c2sp.org/tlog-cosignature). With quorum 0 (no witnesses), the latest signed checkpoint, with whatever
 * cosignatures it has. The quorum is read from the database, where the server stores it (configureWitnesses),
 * so that the CLI and the server publish the same checkpoint. And the state of publication, for /health and
 * the metrics.
 */

import { formatNote, parseNote, parseSignatureLine } from '../../domain/log/note.ts';
import { CredenceError } from '../../errors.ts';
import { getLatestCheckpoint } from '../../store/log.repository.ts';
import {
  getActiveWitnesses,
  getCheckpointNote,
  getCosignatureLines,
  getLargestCosignedSize,
  getPublicationQuorum,
} from '../../store/log-witnesses.repository.ts';
import type { ServiceContext } from '../context.ts';

/** One witness as /health and the metrics show it. */
export interface WitnessStatus {
  readonly verifier_key: string;
  readonly url: string;
  /** The tree size this witness last cosigned; null: never. */
  readonly cosigned_size: number | null;
  /** Since when its attempts fail; null: it is not failing. */
  readonly failing_since: Date | null;
  /** When it is tried next after a failure; null: at the next checkpoint. */
  readonly next_attempt_at: Date | null;
  readonly last_error: string | null;
}

/** The log's publication at a glance: what it signed, what it publishes, and each witness. */
export interface PublicationStatus {
  readonly signed_size: number | null;
  readonly published_size: number | null;
  readonly quorum: number;
  readonly witnesses: readonly WitnessStatus[];
}

/**
 * The published checkpoint note: see the file's comment. Throws CRD_LOG_NO_CHECKPOINT before the first one
 * (none signed yet, or none cosigned by the quorum yet).
 */
export async function publishedCheckpointNote(ctx: ServiceContext): Promise<string> {
  const quorum = (await getPublicationQuorum(ctx.db)) ?? 0;
  const size = quorum === 0 ? (await getLatestCheckpoint(ctx.db))?.size : await getLargestCosignedSize(ctx.db, quorum);
  const note = size === undefined ? undefined : await getCheckpointNote(ctx.db, size);
  if (size === undefined || note === undefined) {
    const reason = quorum === 0 ? 'signed' : `been cosigned by ${quorum} of its witnesses`;
    throw new CredenceError('CRD_LOG_NO_CHECKPOINT', `the log has not ${reason} a checkpoint yet`);
  }
  const cosignatures = (await getCosignatureLines(ctx.db, size)).map(parseSignatureLine);
  if (cosignatures.length === 0) return note;
  const { text, signatures } = parseNote(note);
  return formatNote(text, [...signatures, ...cosignatures]);
}

/** The sizes signed and published, the quorum, and each active witness's state. */
export async function logPublicationStatus(ctx: ServiceContext): Promise<PublicationStatus> {
  const quorum = (await getPublicationQuorum(ctx.db)) ?? 0;
  const signed = (await getLatestCheckpoint(ctx.db))?.size ?? null;
  const published = quorum === 0 ? signed : ((await getLargestCosignedSize(ctx.db, quorum)) ?? null);
  const witnesses = (await getActiveWitnesses(ctx.db)).map(
    (w): WitnessStatus => ({
      verifier_key: w.verifier_key,
      url: w.url,
      cosigned_size: w.cosigned_size,
      failing_since: w.failing_since,
      next_attempt_at: w.next_attempt_at,
      last_error: w.last_error,
    }),
  );
  return { signed_size: signed, published_size: published, quorum, witnesses };
}
