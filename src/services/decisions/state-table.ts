/**
 * One identifier scheme's states in the decision index: identifier value → state code and the instant its
 * subject's evaluation next changes by itself. The table is keyed by the value's UTF-8 bytes, not by JavaScript
 * strings: a city of 22 million residents would otherwise be 22 million strings in a Map (a Map holds at most 2^24
 * entries, the strings cost the garbage collector, and a Map insert that first looks up probes twice). Here the
 * keys are bytes in one array per shard, the entries four integers each in another (where the key's bytes are,
 * their length, the code, the next change in seconds since 1970), and an open-addressing table (linear probing)
 * holds each entry's hash beside its number, so a lookup compares key bytes only where the hash matches. The
 * warm-up inserts straight from the COPY text's bytes (setBytes): no string per identifier. Lookups allocate
 * nothing for ASCII values (resident IDs, credit codes); other values are encoded to UTF-8 first.
 *
 * The values are spread over shards (a power of two, chosen by the hash), so a growing shard copies a sixteenth of
 * the table, not all of it.
 */

import { CHANGE, CODE, DEFAULT_SHARDS, FIELDS, hashAscii, hashBytes, NEVER, Shard, utf8Of } from './state-shard.ts';

export class StateTable {
  private readonly shards: Shard[];
  private readonly mask: number;
  /** The shard and bucket the last locate found (single-threaded: read at once by the caller). */
  private shard!: Shard;
  private bucket = 0;

  /** `shards`: a power of two (tests pass a small one to reach several shards with few entries). */
  constructor(shards = DEFAULT_SHARDS) {
    if (!Number.isInteger(shards) || shards < 1 || (shards & (shards - 1)) !== 0)
      throw new RangeError(`the shard count must be a power of two, not ${shards}`);
    const shift = Math.log2(shards);
    this.shards = Array.from({ length: shards }, () => new Shard(shift));
    this.mask = shards - 1;
  }

  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard.count;
    return size;
  }

  /** Entries per shard, in shard order. */
  get shardSizes(): number[] {
    return this.shards.map((s) => s.count);
  }

  /** Room for about `entries` entries whose values total `bytes`, spread over the shards as the hash spreads them. */
  reserve(entries: number, bytes: number): void {
    const shards = this.shards.length;
    for (const shard of this.shards) shard.reserve(Math.ceil(entries / shards), Math.ceil(bytes / shards));
  }

  /** The value's state code, or `absent`. */
  code(value: string, absent: number): number {
    const entry = this.locate(value);
    return entry < 0 ? absent : this.shard.entries[entry * FIELDS + CODE]!;
  }

  /** The value's state code, or `absent`; or `stale` when its next change (seconds) is at or before `now`. */
  freshCode(value: string, absent: number, now: number, stale: number): number {
    const entry = this.locate(value);
    if (entry < 0) return absent;
    const entries = this.shard.entries;
    return entries[entry * FIELDS + CHANGE]! >>> 0 <= now ? stale : entries[entry * FIELDS + CODE]!;
  }

  /** The value's next change (seconds since 1970), or null when it has none or is absent. */
  nextChange(value: string): number | null {
    const entry = this.locate(value);
    const change = entry < 0 ? NEVER : this.shard.entries[entry * FIELDS + CHANGE]! >>> 0;
    return change === NEVER ? null : change;
  }

  set(value: string, code: number, change: number): void {
    const hash = hashAscii(value);
    if (hash === null) {
      const bytes = utf8Of(value);
      if (bytes === null) throw new RangeError('an identifier value must be valid Unicode');
      this.setBytes(bytes, 0, bytes.length, code, change);
      return;
    }
    const shard = this.shards[hash & this.mask]!;
    shard.setAt(shard.bucketOfAscii(value, hash), hash, value, 0, value.length, code, change);
  }

  /** `set` for the value whose UTF-8 bytes are [start, end) of `bytes` (the warm-up's path: no string made). */
  setBytes(bytes: Uint8Array, start: number, end: number, code: number, change: number): void {
    const hash = hashBytes(bytes, start, end);
    const shard = this.shards[hash & this.mask]!;
    shard.setAt(shard.bucketOfBytes(bytes, start, end, hash), hash, bytes, start, end, code, change);
  }

  delete(value: string): void {
    if (this.locate(value) >= 0) this.shard.deleteAt(this.bucket);
  }

  /** `delete` for the value whose UTF-8 bytes are [start, end) of `bytes`. */
  deleteBytes(bytes: Uint8Array, start: number, end: number): void {
    const hash = hashBytes(bytes, start, end);
    const shard = this.shards[hash & this.mask]!;
    const bucket = shard.bucketOfBytes(bytes, start, end, hash);
    if (shard.entryAt(bucket) >= 0) shard.deleteAt(bucket);
  }

  /** The value's entry (its shard and bucket kept in `shard` and `bucket`), or -1 where it is absent. */
  private locate(value: string): number {
    const hash = hashAscii(value);
    if (hash === null) {
      const bytes = utf8Of(value);
      if (bytes === null) return -1;
      const bytesHash = hashBytes(bytes, 0, bytes.length);
      this.shard = this.shards[bytesHash & this.mask]!;
      this.bucket = this.shard.bucketOfBytes(bytes, 0, bytes.length, bytesHash);
    } else {
      this.shard = this.shards[hash & this.mask]!;
      this.bucket = this.shard.bucketOfAscii(value, hash);
    }
    return this.shard.entryAt(this.bucket);
  }
}
