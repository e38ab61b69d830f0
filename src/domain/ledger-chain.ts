/**
 * The ledger's hash chain: each event's hash is SHA-256 over the previous hash and the event's
 * canonical encoding, so rewriting any event breaks every hash after it.
 */

import { canonicalJson, sha256Hex } from './canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  readonly seq: string;
  readonly at: Date;
  readonly type: string;
  readonly subject_id: string | null;
  readonly payload: Record<string, unknown>;
}

export function eventHash(prevHash: string, event: ChainedEvent): string {
  const body = canonicalJson({ seq: event.seq, at: event.at, type: event.type, subject_id: event.subject_id, payload: event.payload });
  return sha256Hex(`${prevHash}\n${body}`);
}
