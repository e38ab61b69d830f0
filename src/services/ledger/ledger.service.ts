/** Appending to and verifying the ledger. Every state change goes through `appendEvents`. */

import type { Transaction } from 'kysely';
import { canonicalJson } from '../../domain/canonical.ts';
import { eventBody, GENESIS_HASH, hashBody } from '../../domain/ledger-chain.ts';
import { getLedgerRowsAfter, insertLedgerRows, lockLedgerHead, type LedgerRow } from '../../store/ledger.repository.ts';
import type { DB } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';

export interface NewEvent {
  readonly type: string;
  readonly subject_id: string | null;
  readonly payload: Record<string, unknown>;
}

/**
 * Appends events in the caller's transaction, chained to the current head. Holds the ledger
 * lock until the transaction ends, so concurrent writers append one after another.
 */
export async function appendEvents(trx: Transaction<DB>, at: Date, events: readonly NewEvent[]): Promise<LedgerRow[]> {
  if (events.length === 0) return [];
  const head = await lockLedgerHead(trx);
  let prevHash = head.hash ?? GENESIS_HASH;
  let seq = head.seq;
  const rows: LedgerRow[] = [];
  for (const event of events) {
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
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  await insertLedgerRows(trx, rows);
  return rows;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly events: number;
  readonly head: string;
  readonly firstBad?: { seq: string; reason: string };
}

/** Recomputes the whole chain and names the first event that does not match. */
export async function verifyLedger(ctx: ServiceContext, pageSize = 5000): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let events = 0;
  for (;;) {
    const page = await getLedgerRowsAfter(ctx.db, (expectedSeq - 1n).toString(), pageSize);
    for (const row of page) {
      const bad = checkRow(row, expectedSeq, prevHash);
      if (bad !== null) return { ok: false, events, head: prevHash, firstBad: { seq: row.seq, reason: bad } };
      prevHash = row.hash;
      expectedSeq += 1n;
      events += 1;
    }
    if (page.length < pageSize) return { ok: true, events, head: prevHash };
  }
}

function checkRow(row: LedgerRow, expectedSeq: bigint, prevHash: string): string | null {
  if (row.seq !== expectedSeq.toString()) return `sequence gap: expected ${expectedSeq}, found ${row.seq}`;
  if (row.prev_hash !== prevHash) return 'prev_hash does not match the previous event';
  if (hashBody(prevHash, eventBody(row, row.payload)) !== row.hash) return 'hash does not match the event content';
  return null;
}
