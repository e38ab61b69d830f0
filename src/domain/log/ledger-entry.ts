/**
 * The exact bytes of a ledger event as a leaf of the transparency log (issue 9): the canonical JSON
 * (domain/canonical.ts: keys sorted, no whitespace) of `{at, payload, salt, seq, subject_id, type}`, in UTF-8.
 * The salt is 32 random bytes in base64, so a leaf hash that is published reveals nothing about the event.
 * Leaf index = seq − 1. The bytes are stored and hashed as stored; they are never re-encoded before hashing.
 */

/** Bytes of salt in every entry (256 bits). */
export const ENTRY_SALT_BYTES = 32;

/** The largest entry the log holds: an entry bundle gives each entry's length as a big-endian uint16 (tlog-tiles). */
export const MAX_ENTRY_BYTES = 0xffff;

/** The columns of a ledger event that its entry carries, the payload already canonical JSON text. */
export interface LedgerEntryFields {
  readonly seq: string;
  readonly at: Date;
  readonly type: string;
  readonly subject_id: string | null;
  /** Canonical JSON text, embedded as is. */
  readonly payload: string;
}

/**
 * The entry bytes of an event with this salt (base64 of ENTRY_SALT_BYTES bytes): the same bytes as
 * `canonicalJson({at, payload: JSON.parse(payload), salt, seq, subject_id, type})`, without encoding the
 * payload twice.
 */
export function encodeLedgerEntry(fields: LedgerEntryFields, salt: string): Buffer {
  const { seq, at, type, subject_id, payload } = fields;
  return Buffer.from(
    `{"at":${JSON.stringify(at.toISOString())},"payload":${payload},"salt":${JSON.stringify(salt)},` +
      `"seq":${JSON.stringify(seq)},"subject_id":${subject_id === null ? 'null' : JSON.stringify(subject_id)},` +
      `"type":${JSON.stringify(type)}}`,
    'utf8',
  );
}

/** The length in bytes of the entry `encodeLedgerEntry` makes of these fields with a salt of ENTRY_SALT_BYTES. */
export function ledgerEntryLength(fields: LedgerEntryFields): number {
  const { seq, type, subject_id, payload } = fields;
  // {"at":"<24>","payload":<payload>,"salt":"<44>","seq":"<seq>","subject_id":<id>,"type":<type>}
  const fixed = '{"at":"","payload":,"salt":"","seq":"","subject_id":,"type":}'.length + 24 + 44;
  return (
    fixed +
    Buffer.byteLength(payload) +
    seq.length +
    (subject_id === null ? 4 : subject_id.length + 2) +
    Buffer.byteLength(JSON.stringify(type))
  );
}

/**
 * Why the stored entry bytes are not the entry of these columns, or null if they are: the bytes must be
 * encodeLedgerEntry of the columns with the salt the bytes carry (32 bytes in canonical base64).
 */
export function entryMismatch(fields: LedgerEntryFields, entry: Uint8Array): string | null {
  let salt: unknown;
  try {
    salt = (JSON.parse(Buffer.from(entry).toString('utf8')) as { salt?: unknown }).salt;
  } catch {
    return 'the entry bytes are not JSON';
  }
  if (typeof salt !== 'string' || Buffer.from(salt, 'base64').toString('base64') !== salt) {
    return 'the entry carries no base64 salt';
  }
  if (Buffer.from(salt, 'base64').length !== ENTRY_SALT_BYTES)
    return `the entry's salt is not ${ENTRY_SALT_BYTES} bytes`;
  return encodeLedgerEntry(fields, salt).equals(entry) ? null : 'the entry bytes disagree with the event columns';
}
