/**
 * Checking the transparency log's store against its latest signed checkpoint (issue 9): the checkpoint's
 * signature verifies with the log's key; the stored tiles rebuild its root; every entry's bytes are the entry
 * of its event's columns (ledger-entry.ts) and hash to the leaf hash the tiles hold; and the tree rebuilt from
 * the entries alone has the checkpoint's root. `ledger verify` runs it over every event, and the server at start.
 */

import { openCheckpoint } from '../../domain/log/checkpoint.ts';
import { entryMismatch } from '../../domain/log/ledger-entry.ts';
import { hashLeaf, sameHash } from '../../domain/log/merkle.ts';
import { parseVerifierKey } from '../../domain/log/note-keys.ts';
import { storedHashIndex } from '../../domain/log/stored-hashes.ts';
import { TreeBuilder } from '../../domain/log/tree-builder.ts';
import { readTreeHash } from '../../domain/log/tree-proofs.ts';
import { CredenceError, isCredenceError } from '../../errors.ts';
import type { Executor } from '../../store/executor.ts';
import { getEntryRowsAfter, getLatestCheckpoint, type LedgerEntryRow } from '../../store/log.repository.ts';
import type { ServiceContext } from '../context.ts';
import { storedHashReader } from './log-tiles.service.ts';

/** What is wrong: the first event whose entry does not match (`seq`), or the checkpoint itself (`seq` null). */
export interface LogProblem {
  readonly seq: string | null;
  readonly reason: string;
}

/** The log as checked: the latest checkpoint's size and root (base64; null before the first checkpoint). */
export interface LogSummary {
  readonly size: number;
  readonly root: string | null;
  /** Whether the checkpoint's signature was checked with the log's key. */
  readonly signatureChecked: boolean;
}

/** A check under way: `begin`, then `check` each page of rows in seq order, then `finish`. */
export interface LogAudit {
  readonly summary: LogSummary;
  /** The first problem found so far, if any. */
  problem: LogProblem | null;
  check(rows: readonly LedgerEntryRow[]): Promise<LogProblem | null>;
  /** The problem, if any, once every row was checked. */
  finish(): LogProblem | null;
}

/**
 * Starts checking the log: reads the latest checkpoint and checks its signature (when `logKey`, the log's
 * verifier key, is given) and that the stored tiles rebuild its root.
 */
export async function beginLogAudit(db: Executor, logKey: string | null): Promise<LogAudit> {
  const latest = await getLatestCheckpoint(db);
  const size = latest?.size ?? 0;
  const summary: LogSummary = {
    size,
    root: latest === undefined ? null : latest.root.toString('base64'),
    signatureChecked: latest !== undefined && logKey !== null,
  };
  let problem: LogProblem | null = null;
  if (latest !== undefined) {
    problem = checkpointProblem(latest.note, logKey, size, latest.root);
    if (problem === null && !sameHash(await readTreeHash(size, storedHashReader(db)), latest.root)) {
      problem = { seq: null, reason: `the stored tiles do not rebuild the root of the checkpoint at size ${size}` };
    }
  }
  const tree = new TreeBuilder();
  const audit: LogAudit = {
    summary,
    problem,
    check: async (rows) => {
      audit.problem ??= await checkRows(db, rows, tree, summary, latest?.root ?? null);
      return audit.problem;
    },
    finish: () => {
      if (audit.problem === null && tree.size < size) {
        audit.problem = {
          seq: null,
          reason: `the checkpoint covers ${size} events, but the ledger holds ${tree.size}`,
        };
      }
      return audit.problem;
    },
  };
  return audit;
}

function checkpointProblem(note: string, logKey: string | null, size: number, root: Uint8Array): LogProblem | null {
  if (logKey === null) return null;
  try {
    const { checkpoint } = openCheckpoint(note, { log: parseVerifierKey(logKey) });
    if (checkpoint.size !== size || !sameHash(checkpoint.rootHash, root)) {
      return { seq: null, reason: `the signed checkpoint at size ${size} does not say what its row says` };
    }
    return null;
  } catch (error) {
    if (!isCredenceError(error)) throw error;
    return { seq: null, reason: `the checkpoint at size ${size} does not verify with the log's key: ${error.message}` };
  }
}

async function checkRows(
  db: Executor,
  rows: readonly LedgerEntryRow[],
  tree: TreeBuilder,
  summary: LogSummary,
  root: Uint8Array | null,
): Promise<LogProblem | null> {
  // The leaf hashes the tiles hold for the rows the checkpoint covers, read in one query per page.
  const covered = rows.filter((row) => Number(row.seq) <= summary.size);
  const stored = await storedHashReader(db)(covered.map((row) => storedHashIndex(0, Number(row.seq) - 1)));
  for (const [i, row] of rows.entries()) {
    if (row.seq !== String(tree.size + 1)) return { seq: row.seq, reason: `expected event ${tree.size + 1} here` };
    const mismatch = entryMismatch(row, row.entry);
    if (mismatch !== null) return { seq: row.seq, reason: mismatch };
    const leaf = hashLeaf(row.entry);
    if (i < covered.length && !sameHash(leaf, stored[i]!)) {
      return { seq: row.seq, reason: "the entry's leaf hash is not the one in the log's tree" };
    }
    tree.push(leaf);
    if (tree.size === summary.size && root !== null && !sameHash(tree.root(), root)) {
      return {
        seq: null,
        reason: `the tree of the entries does not have the checkpoint's root at size ${summary.size}`,
      };
    }
  }
  return null;
}

/**
 * The server's start-up check: the whole log audited against its latest checkpoint with the log's key.
 * Throws CRD_LOG_STORE_INCONSISTENT, naming the problem, if anything disagrees: a log must not serve or
 * extend a tree that is not the one it signed.
 */
export async function checkLogAtStart(ctx: ServiceContext, logKey: string, pageSize = 5000): Promise<LogSummary> {
  const audit = await beginLogAudit(ctx.db, logKey);
  for (let after = '0'; audit.problem === null; ) {
    const rows = await getEntryRowsAfter(ctx.db, after, pageSize);
    if (rows.length === 0) break;
    await audit.check(rows);
    after = rows[rows.length - 1]!.seq;
  }
  const problem = audit.finish();
  if (problem !== null) {
    const where = problem.seq === null ? '' : ` at ledger event ${problem.seq}`;
    throw new CredenceError(
      'CRD_LOG_STORE_INCONSISTENT',
      `the log's store disagrees with its last signed checkpoint${where}: ${problem.reason}. ` +
        'Refusing to start: run `credence ledger verify` and restore the database from a backup.',
    );
  }
  return audit.summary;
}
