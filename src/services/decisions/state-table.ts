/**
 * One identifier scheme's states in the decision index: identifier value → state code and the instant its
 * subject's evaluation next changes by itself. A JavaScript Map holds at most 2^24 (16,777,216) entries, and a city
 * of 22 million residents has more resident IDs than that, so the values are spread over shards, chosen by a hash
 * of the identifier's last characters (the sequence and check digits of a resident ID or a credit code, which vary
 * the most). Each shard maps a value to a slot of two typed arrays (code, next change in seconds since 1970), so an
 * entry costs its key, a map slot and 8 bytes; lookups allocate nothing.
 */

/** The next-change field of an entry whose evaluation never changes by itself. */
const NEVER = 0xffff_ffff;
/** Shards per scheme by default: at 22 million identifiers about 1.4 million each, far below a Map's limit. */
const DEFAULT_SHARDS = 16;
const INITIAL_SLOTS = 16;

/** An instant as the table keeps it: whole seconds since 1970, rounded down (so it is never late), or NEVER. */
export function changeSeconds(at: Date | null): number {
  if (at === null) return NEVER;
  return Math.min(NEVER - 1, Math.max(0, Math.floor(at.getTime() / 1000)));
}

class Shard {
  readonly slots = new Map<string, number>();
  codes = new Int32Array(INITIAL_SLOTS);
  changes = new Uint32Array(INITIAL_SLOTS);
  /** Slots freed by deletes, reused before the arrays grow. */
  private readonly free: number[] = [];
  private used = 0;

  set(value: string, code: number, change: number): void {
    let slot = this.slots.get(value);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.grow();
      this.slots.set(value, slot);
    }
    this.codes[slot] = code;
    this.changes[slot] = change;
  }

  delete(value: string): void {
    const slot = this.slots.get(value);
    if (slot === undefined) return;
    this.slots.delete(value);
    this.free.push(slot);
  }

  private grow(): number {
    if (this.used === this.codes.length) {
      // By half, not double: the copy of a large shard briefly holds both arrays.
      const length = this.codes.length + (this.codes.length >>> 1);
      const codes = new Int32Array(length);
      codes.set(this.codes);
      const changes = new Uint32Array(length);
      changes.set(this.changes);
      this.codes = codes;
      this.changes = changes;
    }
    this.used += 1;
    return this.used - 1;
  }
}

export class StateTable {
  private readonly shards: Shard[];
  private readonly mask: number;

  /** `shards`: a power of two (tests pass a small one to reach several shards with few entries). */
  constructor(shards = DEFAULT_SHARDS) {
    if (!Number.isInteger(shards) || shards < 1 || (shards & (shards - 1)) !== 0)
      throw new RangeError(`the shard count must be a power of two, not ${shards}`);
    this.shards = Array.from({ length: shards }, () => new Shard());
    this.mask = shards - 1;
  }

  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard.slots.size;
    return size;
  }

  /** Entries per shard, in shard order. */
  get shardSizes(): number[] {
    return this.shards.map((s) => s.slots.size);
  }

  /** The shard holding `value`: a hash of its last four characters (no allocation). */
  shardOf(value: string): number {
    let hash = 0;
    for (let i = Math.max(0, value.length - 4); i < value.length; i += 1)
      hash = Math.imul(hash ^ value.charCodeAt(i), 0x9e37_79b1);
    return (hash ^ (hash >>> 16)) & this.mask;
  }

  /** The value's state code, or `absent`. */
  code(value: string, absent: number): number {
    const shard = this.shards[this.shardOf(value)]!;
    const slot = shard.slots.get(value);
    return slot === undefined ? absent : shard.codes[slot]!;
  }

  /** The value's state code, or `absent`; or `stale` when its next change (seconds) is at or before `now`. */
  freshCode(value: string, absent: number, now: number, stale: number): number {
    const shard = this.shards[this.shardOf(value)]!;
    const slot = shard.slots.get(value);
    if (slot === undefined) return absent;
    return shard.changes[slot]! <= now ? stale : shard.codes[slot]!;
  }

  /** The value's next change (seconds since 1970), or null when it has none or is absent. */
  nextChange(value: string): number | null {
    const shard = this.shards[this.shardOf(value)]!;
    const slot = shard.slots.get(value);
    const change = slot === undefined ? NEVER : shard.changes[slot]!;
    return change === NEVER ? null : change;
  }

  set(value: string, code: number, change: number): void {
    this.shards[this.shardOf(value)]!.set(value, code, change);
  }

  delete(value: string): void {
    this.shards[this.shardOf(value)]!.delete(value);
  }
}
