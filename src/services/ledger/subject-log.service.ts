/**
 * What lets a subject prove their file against the public log (issue 9, item 5): the published checkpoint,
 * and every ledger event about them that it covers, each with the exact bytes of its leaf and its RFC 6962
 * inclusion proof for the checkpoint's tree size (RFC 9162 §2.1.3.1). Leaf index i is the event with seq i + 1.
 * Events newer than the checkpoint are counted, not left out silently; `credence verify-report` checks the rest.
 */

import { parseCheckpoint } from '../../domain/log/checkpoint.ts';
import { batchedHashReader } from '../../domain/log/batched-hash-reader.ts';
import { encodeBase64 } from '../../domain/log/note-encoding.ts';
import { parseNote } from '../../domain/log/note.ts';
import { readInclusionProof } from '../../domain/log/tree-proofs.ts';
import { isCredenceError } from '../../errors.ts';
import { getSubjectEntries, type SubjectEntryRow } from '../../store/subject-entries.repository.ts';
import type { ServiceContext } from '../context.ts';
import { latestCheckpointNote, storedHashReader } from './log-tiles.service.ts';

/** One event in the log: its leaf index, the base64 of its exact leaf bytes, and its inclusion proof. */
export interface SubjectLogEntry {
  readonly index: number;
  readonly data: string;
  readonly inclusion_proof: readonly string[];
}

/** The report's `log`: the published checkpoint note and the subject's events it covers, proved. */
export interface SubjectLog {
  readonly checkpoint: string;
  readonly entries: readonly SubjectLogEntry[];
}

/** What the report's `log` covers, in numbers and in plain words. */
export interface SubjectLogStatus {
  /** The published checkpoint's tree size, or null when the log has published none yet. */
  readonly tree_size: number | null;
  /** Events about the subject proved in `log.entries`. */
  readonly proved_events: number;
  /** Events about the subject that the published checkpoint does not cover yet (not in `log.entries`). */
  readonly pending_events: number;
  readonly message: string;
}

/** The report's `log` (null before the first published checkpoint) and `log_status`. */
export interface SubjectLogSection {
  readonly log: SubjectLog | null;
  readonly log_status: SubjectLogStatus;
}

/**
 * The log section of a subject's report (`subjectId` undefined: Credence holds nothing about them). The
 * checkpoint is the one GET /log/checkpoint publishes; tiles are read in one batch for all the proofs.
 */
export async function readSubjectLog(ctx: ServiceContext, subjectId: string | undefined): Promise<SubjectLogSection> {
  const rows = subjectId === undefined ? [] : await getSubjectEntries(ctx.db, subjectId);
  const note = await publishedNote(ctx);
  if (note === null) {
    const message =
      'The public log has not published a checkpoint yet, so nothing in this report can be proved against it ' +
      `yet: ${countEvents(rows.length)} about you will be, once it does.`;
    return { log: null, log_status: { tree_size: null, proved_events: 0, pending_events: rows.length, message } };
  }
  const size = parseCheckpoint(parseNote(note).text).size;
  const covered = rows.filter((row) => Number(row.seq) <= size);
  const entries = await proveEntries(ctx, covered, size);
  const pending = rows.length - covered.length;
  const message =
    `${countEvents(covered.length)} about you ${covered.length === 1 ? 'is' : 'are'} proved in the public log's ` +
    `checkpoint of ${size} events` +
    (pending === 0
      ? '.'
      : `; ${pending} newer event${pending === 1 ? '' : 's'} will be proved once a later checkpoint is published.`);
  return {
    log: { checkpoint: note, entries },
    log_status: { tree_size: size, proved_events: covered.length, pending_events: pending, message },
  };
}

/** The published checkpoint note, or null before there is one. */
async function publishedNote(ctx: ServiceContext): Promise<string | null> {
  try {
    return await latestCheckpointNote(ctx);
  } catch (error) {
    if (isCredenceError(error) && error.code === 'CRD_LOG_NO_CHECKPOINT') return null;
    throw error;
  }
}

async function proveEntries(ctx: ServiceContext, rows: readonly SubjectEntryRow[], size: number) {
  const reader = batchedHashReader(storedHashReader(ctx.db));
  return Promise.all(
    rows.map(async (row): Promise<SubjectLogEntry> => {
      const index = Number(row.seq) - 1;
      const proof = await readInclusionProof(index, size, reader);
      return { index, data: row.entry.toString('base64'), inclusion_proof: proof.map(encodeBase64) };
    }),
  );
}

const countEvents = (n: number) => (n === 1 ? '1 event' : `${n} events`);
