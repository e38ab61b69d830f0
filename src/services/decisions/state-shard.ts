/**
 * One shard of a scheme's state table (state-table.ts): identifier bytes → entry, in an open-addressing table
 * (linear probing) holding each entry's hash beside its number, the keys' bytes in one array and the entries'
 * integers in another; and the hashing the table spreads values over shards with.
 */

/** The next-change field of an entry whose evaluation never changes by itself. */
export const NEVER = 0xffff_ffff;
/** Shards per scheme by default: at 22 million identifiers about 1.4 million each. */
export const DEFAULT_SHARDS = 16;
const INITIAL_ENTRIES = 16;
const INITIAL_BUCKETS = 32;
const INITIAL_KEY_BYTES = 512;
/** An entry's integers: where its key starts, its length, its state code, its next change. */
export const FIELDS = 4;
const KEY = 0;
const LENGTH = 1;
export const CODE = 2;
export const CHANGE = 3;
const FNV_OFFSET = 0x811c_9dc5;
const FNV_PRIME = 0x0100_0193;

/** An instant as the table keeps it: whole seconds since 1970, rounded down (so it is never late), or NEVER. */
export function changeSeconds(at: Date | null): number {
  if (at === null) return NEVER;
  return Math.min(NEVER - 1, Math.max(0, Math.floor(at.getTime() / 1000)));
}

/** FNV-1a's running hash finished (murmur3's mix): every bit depends on every byte, for the shard and the bucket. */
function finish(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  return h ^ (h >>> 16);
}

export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return finish(hash);
}

/** The hash of an ASCII string's bytes (its char codes), or null where it has another character. */
export function hashAscii(value: string): number | null {
  let hash = FNV_OFFSET;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return null;
    hash = Math.imul(hash ^ c, FNV_PRIME);
  }
  return finish(hash);
}

/**
 * A value's UTF-8 bytes where it is not ASCII, or null for a value no stored key can equal (a lone surrogate:
 * PostgreSQL's text is valid UTF-8).
 */
export function utf8Of(value: string): Buffer | null {
  return value.isWellFormed() ? Buffer.from(value, 'utf8') : null;
}

export class Shard {
  count = 0;
  /** Per entry: FIELDS integers (KEY, LENGTH, CODE, CHANGE; the change stored as int32, read back unsigned). */
  entries = new Int32Array(FIELDS * INITIAL_ENTRIES);
  /** Per bucket: the entry's hash and its number plus one (0: empty). */
  private buckets = new Int32Array(2 * INITIAL_BUCKETS);
  private mask = INITIAL_BUCKETS - 1;
  private readonly shift: number;
  /** The keys' bytes, one after another; a deleted key's stay until the array is compacted. */
  private keys = new Uint8Array(INITIAL_KEY_BYTES);
  private keyBytes = 0;
  private deadKeyBytes = 0;
  /** Entries freed by deletes, reused before new ones. */
  private readonly free: number[] = [];
  private entryCount = 0;

  /** `shift`: the hash bits that chose the shard, skipped when choosing a bucket. */
  constructor(shift: number) {
    this.shift = shift;
  }

  private home(hash: number): number {
    return (hash >>> this.shift) & this.mask;
  }

  /** The bucket holding the key [start, end) of `bytes`, or the empty bucket where it would go. */
  bucketOfBytes(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const buckets = this.buckets;
    const length = end - start;
    for (let b = this.home(hash); ; b = (b + 1) & this.mask) {
      const entry = buckets[2 * b + 1]! - 1;
      if (entry < 0) return b;
      if (buckets[2 * b] !== hash) continue;
      const at = entry * FIELDS;
      if (this.entries[at + LENGTH] !== length) continue;
      const keys = this.keys;
      const key = this.entries[at + KEY]!;
      let i = 0;
      while (i < length && keys[key + i] === bytes[start + i]) i += 1;
      if (i === length) return b;
    }
  }

  /** bucketOfBytes for an ASCII string's char codes. */
  bucketOfAscii(value: string, hash: number): number {
    const buckets = this.buckets;
    const length = value.length;
    for (let b = this.home(hash); ; b = (b + 1) & this.mask) {
      const entry = buckets[2 * b + 1]! - 1;
      if (entry < 0) return b;
      if (buckets[2 * b] !== hash) continue;
      const at = entry * FIELDS;
      if (this.entries[at + LENGTH] !== length) continue;
      const keys = this.keys;
      const key = this.entries[at + KEY]!;
      let i = 0;
      while (i < length && keys[key + i] === value.charCodeAt(i)) i += 1;
      if (i === length) return b;
    }
  }

  /** The entry in bucket `b`, or -1 where it is empty. */
  entryAt(b: number): number {
    return this.buckets[2 * b + 1]! - 1;
  }

  /**
   * Sets the state of the key in bucket `b` (as bucketOf* answered), storing the key [start, end) of `bytes`, or
   * the ASCII string `ascii`, in an empty bucket.
   */
  setAt(b: number, hash: number, key: Uint8Array | string, start: number, end: number, code: number, change: number) {
    let entry = this.entryAt(b);
    if (entry < 0) {
      entry = this.newEntry(key, start, end);
      this.buckets[2 * b] = hash;
      this.buckets[2 * b + 1] = entry + 1;
      this.count += 1;
    }
    const at = entry * FIELDS;
    this.entries[at + CODE] = code;
    this.entries[at + CHANGE] = change;
    // At most half the buckets full: a lookup of an absent value (most decisions) stops within a few buckets.
    if (2 * this.count > this.mask + 1) this.rehash();
  }

  /** Empties bucket `b` (full), moving later buckets of the same run back so that every key stays reachable. */
  deleteAt(b: number): void {
    const buckets = this.buckets;
    const entry = buckets[2 * b + 1]! - 1;
    const at = entry * FIELDS;
    this.deadKeyBytes += this.entries[at + LENGTH]!;
    this.free.push(entry);
    this.count -= 1;
    let hole = b;
    for (let next = (b + 1) & this.mask; buckets[2 * next + 1] !== 0; next = (next + 1) & this.mask) {
      const home = this.home(buckets[2 * next]!);
      // The key in `next` may move into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      buckets[2 * hole] = buckets[2 * next]!;
      buckets[2 * hole + 1] = buckets[2 * next + 1]!;
      hole = next;
    }
    buckets[2 * hole] = 0;
    buckets[2 * hole + 1] = 0;
  }

  /** Room for `entries` entries (at most half the buckets full) and `bytes` of keys, without growing. */
  reserve(entries: number, bytes: number): void {
    if (entries * FIELDS > this.entries.length) {
      const grown = new Int32Array(entries * FIELDS);
      grown.set(this.entries);
      this.entries = grown;
    }
    if (this.keyBytes + bytes > this.keys.length) this.makeRoom(bytes, 0);
    let buckets = this.mask + 1;
    while (2 * entries > buckets) buckets *= 2;
    if (buckets > this.mask + 1) this.rehash(buckets);
  }

  private newEntry(key: Uint8Array | string, start: number, end: number): number {
    const length = end - start;
    if (this.keyBytes + length > this.keys.length) this.makeRoom(length);
    const keys = this.keys;
    const to = this.keyBytes;
    if (typeof key === 'string') for (let i = 0; i < length; i += 1) keys[to + i] = key.charCodeAt(i);
    else for (let i = 0; i < length; i += 1) keys[to + i] = key[start + i]!;
    this.keyBytes += length;
    let entry = this.free.pop();
    if (entry === undefined) {
      if ((this.entryCount + 1) * FIELDS > this.entries.length) {
        // By half, not double: the copy of a large shard briefly holds both arrays.
        const entries = new Int32Array(this.entries.length + (this.entries.length >>> 1));
        entries.set(this.entries);
        this.entries = entries;
      }
      entry = this.entryCount;
      this.entryCount += 1;
    }
    this.entries[entry * FIELDS + KEY] = to;
    this.entries[entry * FIELDS + LENGTH] = length;
    return entry;
  }

  /**
   * Room for `length` more key bytes: the live keys copied into an array that large and `slack` times as large
   * again (room to grow: half by default).
   */
  private makeRoom(length: number, slack = 0.5): void {
    const live = this.keyBytes - this.deadKeyBytes;
    const keys = new Uint8Array(Math.max(INITIAL_KEY_BYTES, Math.ceil((live + length) * (1 + slack))));
    if (this.deadKeyBytes === 0) keys.set(this.keys.subarray(0, this.keyBytes));
    else {
      let to = 0;
      for (let b = 0; b <= this.mask; b += 1) {
        const entry = this.entryAt(b);
        if (entry < 0) continue;
        const at = entry * FIELDS;
        const from = this.entries[at + KEY]!;
        const n = this.entries[at + LENGTH]!;
        keys.set(this.keys.subarray(from, from + n), to);
        this.entries[at + KEY] = to;
        to += n;
      }
    }
    this.keys = keys;
    this.keyBytes = live;
    this.deadKeyBytes = 0;
  }

  /** The buckets moved into `size` (a larger power of two) buckets. */
  private rehash(size = 2 * (this.mask + 1)): void {
    const old = this.buckets;
    const buckets = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let b = 0; b < old.length; b += 2) {
      if (old[b + 1] === 0) continue;
      let to = this.home(old[b]!);
      while (buckets[2 * to + 1] !== 0) to = (to + 1) & this.mask;
      buckets[2 * to] = old[b]!;
      buckets[2 * to + 1] = old[b + 1]!;
    }
    this.buckets = buckets;
  }
}
