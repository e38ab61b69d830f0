/**
 * The ledger's hash chain: each event's hash is SHA-256 over the previous hash and the event's
 * canonical encoding, so rewriting any event breaks every hash after it.
 */

import { sha256Hex } from './canonical.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  readonly seq: string;
  readonly at: Date;
  readonly type: string;
  readonly subject_id: string | null;
  readonly payload: Record<string, unknown>;
}

/**
 * The canonical encoding of an event whose payload is already canonical JSON: the same bytes
 * as `canonicalJson({seq, at, type, subject_id, payload})`, without encoding the payload twice.
 */
export function eventBody(event: Omit<ChainedEvent, 'payload'>, canonicalPayload: string): string {
  return (
    `{"at":${JSON.stringify(event.at.toISOString())},"payload":${canonicalPayload},` +
    `"seq":${JSON.stringify(event.seq)},` +
    `"subject_id":${event.subject_id === null ? 'null' : JSON.stringify(event.subject_id)},` +
    `"type":${JSON.stringify(event.type)}}`
  );
}

export function hashBody(prevHash: string, body: string): string {
  return sha256Hex(`${prevHash}\n${body}`);
}
