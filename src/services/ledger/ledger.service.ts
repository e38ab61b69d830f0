/** Appending to and verifying the ledger. Every state change goes through `appendEvents`. */

import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { canonicalJson } from '../../domain/canonical.ts';
import { ENTRY_SALT_BYTES, ledgerEntryLength, MAX_ENTRY_BYTES } from '../../domain/log/ledger-entry.ts';
import { CredenceError } from '../../errors.ts';
import { eventBody, GENESIS_HASH, hashBody } from '../../domain/ledger-chain.ts';
import { getEntryRowsAfter } from '../../store/log.repository.ts';
import { breathe, isPipelined } from '../../store/copy-in.ts';
import { insertLedgerRows, lockLedgerHead, type LedgerRow, type NewLedgerRow } from '../../store/ledger.repository.ts';
import type { DB } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';
import { beginLogAudit, type LogProblem, type LogSummary } from './log-audit.service.ts';

/** Events made between two breaths (copy-in.ts `breathe`) when the writes are pipelined. */
const EVENTS_PER_BREATH = 500;

export interface NewEvent {
  readonly type: string;
  readonly subject_id: string | null;
  readonly payload: Record<string, unknown>;
}

/**
 * Appends events in the caller's transaction, chained to the current head. Holds the ledger
 * lock until the transaction ends, so concurrent writers append one after another. Each row
 * carries the salt of its entry: the exact bytes of its Merkle leaf are the row's columns with a
 * fresh 32-byte salt (issue 9), encoded when read (store/log.repository.ts).
 */
export async function appendEvents(
  trx: Transaction<DB>,
  at: Date,
  events: readonly NewEvent[],
): Promise<NewLedgerRow[]> {
  if (events.length === 0) return [];
  const pipelined = isPipelined(trx);
  const head = (pipelined ? heads.get(trx) : undefined) ?? (await lockLedgerHead(trx));
  let prevHash = head.hash ?? GENESIS_HASH;
  let seq = head.seq;
  const rows: NewLedgerRow[] = [];
  // One draw of randomness for the batch: a salt is a secret, so it comes from node:crypto.
  const salts = randomBytes(ENTRY_SALT_BYTES * events.length);
  for (const event of events) {
    if (pipelined && rows.length % EVENTS_PER_BREATH === EVENTS_PER_BREATH - 1) await breathe();
    seq += 1n;
    // The canonical text is hashed and stored as is, so verify hashes the very bytes stored.
    const payload = canonicalJson(event.payload);
    const row = {
      seq: seq.toString(),
      at,
      type: event.type,
      subject_id: event.subject_id,
      payload,
      prev_hash: prevHash,
    };
    const hash = hashBody(prevHash, eventBody(row, payload));
    const salt = salts.subarray(rows.length * ENTRY_SALT_BYTES, (rows.length + 1) * ENTRY_SALT_BYTES);
    const length = ledgerEntryLength(row);
    if (length > MAX_ENTRY_BYTES) {
      throw new CredenceError(
        'CRD_PAYLOAD_TOO_LARGE',
        `a ${event.type} event would take ${length} bytes in the log, which holds events of at most ` +
          `${MAX_ENTRY_BYTES} bytes: shorten its texts`,
      );
    }
    rows.push({ ...row, hash, salt });
    prevHash = hash;
  }
  if (pipelined) heads.set(trx, { seq, hash: prevHash });
  await insertLedgerRows(trx, rows);
  return rows;
}

/** The ledger's head as a pipelined write (copy-in.ts) leaves it after each of its appends. */
const heads = new WeakMap<object, { readonly seq: bigint; readonly hash: string | null }>();

/**
 * In a pipelined write, before its first COPY: reads the ledger's head under its lock, so that appending does not
 * wait for the COPYs before it to read it again. Only this transaction can append until it ends.
 */
export async function prepareAppends(trx: Transaction<DB>): Promise<void> {
  if (isPipelined(trx)) heads.set(trx, await lockLedgerHead(trx));
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly events: number;
  readonly head: string;
  /** The first event that does not match: its hash chain, or its entry and the log's tree. */
  readonly firstBad?: { seq: string; reason: string };
  /** The transparency log: its latest checkpoint's size and root, and a problem with the checkpoint itself. */
  readonly log: LogSummary & { readonly problem?: string };
}

/**
 * Recomputes the whole chain, and the log: every leaf from its stored entry bytes and the tree from the leaves,
 * against the latest signed checkpoint (its signature checked when `logKey`, the log's verifier key, is given).
 * Names the first event that does not match.
 */
export async function verifyLedger(
  ctx: ServiceContext,
  options: { readonly logKey?: string; readonly pageSize?: number } = {},
): Promise<VerifyResult> {
  const pageSize = options.pageSize ?? 5000;
  const audit = await beginLogAudit(ctx.db, options.logKey ?? null);
  const chain = { prevHash: GENESIS_HASH, events: 0 };
  const result = (bad: LogProblem | null): VerifyResult => {
    const log = bad?.seq === null ? { ...audit.summary, problem: bad.reason } : audit.summary;
    const base = { ok: bad === null, events: chain.events, head: chain.prevHash, log };
    return bad?.seq == null ? base : { ...base, firstBad: { seq: bad.seq, reason: bad.reason } };
  };
  if (audit.problem !== null) return result(audit.problem);
  for (;;) {
    const page = await getEntryRowsAfter(ctx.db, String(chain.events), pageSize);
    const chainBad = firstChainBreak(page, chain.events, chain.prevHash);
    // The events before a broken link go to the log's check; for the same event the chain's reason wins.
    const good = chainBad === null ? page.length : chainBad.at;
    const logBad = await audit.check(page.slice(0, good));
    const upTo = logBad?.seq == null ? good : Number(logBad.seq) - chain.events - 1;
    if (upTo > 0) chain.prevHash = page[upTo - 1]!.hash;
    chain.events += upTo;
    if (logBad !== null) return result(logBad);
    if (chainBad !== null) return result({ seq: chainBad.seq, reason: chainBad.reason });
    if (page.length < pageSize) return result(audit.finish());
  }
}

/** The first event of a page (after `events` verified ones, the last with hash `prevHash`) that breaks the chain. */
function firstChainBreak(
  page: readonly LedgerRow[],
  events: number,
  prevHash: string,
): (LogProblem & { readonly at: number }) | null {
  for (const [i, row] of page.entries()) {
    const reason = checkRow(row, BigInt(events + i + 1), i === 0 ? prevHash : page[i - 1]!.hash);
    if (reason !== null) return { seq: row.seq, reason, at: i };
  }
  return null;
}

function checkRow(row: LedgerRow, expectedSeq: bigint, prevHash: string): string | null {
  if (row.seq !== expectedSeq.toString()) return `sequence gap: expected ${expectedSeq}, found ${row.seq}`;
  if (row.prev_hash !== prevHash) return 'prev_hash does not match the previous event';
  if (hashBody(prevHash, eventBody(row, row.payload)) !== row.hash) return 'hash does not match the event content';
  return null;
}
