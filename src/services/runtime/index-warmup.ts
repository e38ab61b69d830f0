/**
 * Filling a decision index: one identifier's state as the projections hold it (`indexRow`), or every indexed
 * identifier from the database (`warmIndex`: binary COPY in ranges read at once, index-warmup.repository.ts). Warm-up
 * reads COPY rather than rows because the pg driver's cost per row (an object, a text[] and a JSON parse) made it
 * take 12 s per million identifiers, and binary COPY rather than text because each column comes with its length (no
 * scan for tabs, no escapes) and the next change as the timestamp's own integer (PostgreSQL formats nothing). A
 * state code is computed once per distinct grade, lists and policy, a scheme's name once, and an identifier's bytes
 * are its key in the index (state-table.ts): a row costs no allocation.
 */

import type pg from 'pg';
import { type CopySplit, copyIndexedStates } from '../../store/index-warmup.repository.ts';
import type { IndexedIdentifier } from '../../store/state.repository.ts';
import type { DecisionIndex, IndexedState } from '../decisions/decision-index.ts';
import { changeSeconds } from '../decisions/state-shard.ts';

/**
 * How the warm-up's COPY is split: PostgreSQL's share (the join and the rows) over two backends while this process
 * parses, from 200,000 indexed subjects (below, the split's sample and second connection are not worth their cost).
 * This process parses alone, so on a 2-core machine more backends would only take its core.
 */
export const WARMUP_SPLIT: CopySplit = Object.freeze({ parts: 2, from: 200_000 });
const NO_CHANGE = changeSeconds(null);
/** Room reserved over the sample's estimate of a scheme's identifiers. */
const RESERVE = 1.1;
/** Binary COPY's signature; then flags and the header extension's length, 32 bits each. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;
/** A row cut between two chunks is joined from this many of the next chunk's bytes (a row is rarely longer). */
const JOIN_BYTES = 4096;
/** Scheme, value, grade, lists, next change, related, policy (index-warmup.repository.ts). */
const COLUMNS = 7;
const [SCHEME, VALUE, GRADE, LISTS, CHANGE, RELATED, POLICY] = [0, 1, 2, 3, 4, 5, 6] as const;
/** PostgreSQL's timestamps count microseconds from 2000-01-01; this many from 1970. */
const EPOCH_2000_MICROS = 946_684_800_000_000;

/** Records one identifier's state as the projections hold it (unindexed: the base state, i.e. none). */
export function indexRow(index: DecisionIndex, row: IndexedIdentifier): void {
  const { code, related } = index.entryOf(row);
  // The next change marks the entry stale once it has come, until the scheduled jobs re-evaluate the subject.
  index.set(row.scheme, row.value, code, row.next_change_at);
  index.setRelated(row.scheme, row.value, related);
}

/**
 * Fills `index` with every identifier whose subject is indexed, read from `pool` (the bench and tests pass another
 * split); answers how many.
 */
export async function warmIndex(index: DecisionIndex, pool: pg.Pool, split = WARMUP_SPLIT): Promise<number> {
  const { streams, expected } = await copyIndexedStates(pool, index.policy.digest, split);
  // Sized once for what the sample saw (and a little over), not grown and copied again and again as it fills.
  for (const { scheme, identifiers, bytes } of expected)
    index.reserve(scheme, Math.ceil(identifiers * RESERVE), Math.ceil(bytes * RESERVE));
  return indexFromCopies(index, streams);
}

/** Fills `index` from one stream of binary COPY in chunks (columns: index-warmup.repository.ts); answers the rows. */
export function indexFromCopy(index: DecisionIndex, chunks: AsyncIterable<Buffer>): Promise<number> {
  return indexFromCopies(index, [chunks]);
}

/**
 * Reads every stream to its end at once (each holds a connection until then): after a failure the others stop at
 * their next chunk, and the first failure is thrown once all have.
 */
async function indexFromCopies(index: DecisionIndex, streams: readonly AsyncIterable<Buffer>[]): Promise<number> {
  const rows = new CopyRows(index);
  let failed = false;
  const read = async (chunks: AsyncIterable<Buffer>) => {
    const tuples = new CopyTuples(rows);
    try {
      for await (const chunk of chunks) {
        if (failed) return;
        tuples.push(chunk);
      }
      tuples.end();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const outcomes = await Promise.allSettled(streams.map(read));
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  return rows.count;
}

function int16(buffer: Buffer, at: number): number {
  return ((buffer[at]! << 24) | (buffer[at + 1]! << 16)) >> 16;
}

function int32(buffer: Buffer, at: number): number {
  return (buffer[at]! << 24) | (buffer[at + 1]! << 16) | (buffer[at + 2]! << 8) | buffer[at + 3]!;
}

/** One stream's rows, cut from its chunks by the lengths binary COPY gives (a row cut between chunks: joined). */
class CopyTuples {
  private readonly rows: CopyRows;
  /** Where each column of the row at hand starts, and its length (-1: null). */
  private readonly starts = new Int32Array(COLUMNS);
  private readonly lengths = new Int32Array(COLUMNS);
  private header = true;
  private ended = false;
  private rest: Buffer | null = null;

  constructor(rows: CopyRows) {
    this.rows = rows;
  }

  push(chunk: Buffer): void {
    let buffer = chunk;
    const rest = this.rest;
    if (rest !== null) {
      // The row cut by the last chunk is finished from this one's start: only its bytes are copied, not the chunk.
      const joined = Buffer.concat([rest, chunk.subarray(0, Math.min(chunk.length, JOIN_BYTES))]);
      const end = this.scan(joined);
      if (end >= rest.length) buffer = chunk.subarray(end - rest.length);
      else if (joined.length === rest.length + chunk.length) buffer = joined.subarray(end);
      else buffer = Buffer.concat([rest.subarray(end), chunk]); // a row longer than JOIN_BYTES
    }
    const end = this.scan(buffer);
    this.rest = end < buffer.length ? buffer.subarray(end) : null;
  }

  end(): void {
    if (this.rest !== null || !this.ended) throw new Error('the index warm-up COPY ended in the middle of a row');
  }

  /** Indexes every whole row of `buffer`; answers where the first incomplete one starts. */
  private scan(buffer: Buffer): number {
    const { starts, lengths } = this;
    let at = 0;
    if (this.header) {
      if (buffer.length < HEADER_BYTES) return 0;
      if (!SIGNATURE.equals(buffer.subarray(0, SIGNATURE.length)))
        throw new Error('the index warm-up COPY is not binary COPY');
      at = HEADER_BYTES + int32(buffer, HEADER_BYTES - 4);
      if (buffer.length < at) return 0;
      this.header = false;
    }
    while (at + 2 <= buffer.length) {
      if (this.ended) throw new Error('the index warm-up COPY goes on after its end');
      const columns = int16(buffer, at);
      if (columns === -1) {
        this.ended = true;
        at += 2;
        continue;
      }
      if (columns !== COLUMNS) throw new Error(`the index warm-up COPY has a row of ${columns} columns`);
      let next = at + 2;
      for (let c = 0; c < COLUMNS; c += 1) {
        if (next + 4 > buffer.length) return at;
        const length = int32(buffer, next);
        next += 4;
        starts[c] = next;
        lengths[c] = length;
        if (length > 0) next += length;
      }
      if (next > buffer.length) return at;
      this.rows.add(buffer, starts, lengths);
      at = next;
    }
    return at;
  }
}

/** Rows into the index: state codes, scheme names and the count shared by the streams. */
class CopyRows {
  count = 0;
  private readonly index: DecisionIndex;
  private readonly codes: StateCodes;
  private scheme = '';
  private schemeBytes = Buffer.alloc(0);

  constructor(index: DecisionIndex) {
    this.index = index;
    this.codes = new StateCodes(index);
  }

  /** The row whose columns start at `starts` with `lengths` (-1: null). */
  add(buffer: Buffer, starts: Int32Array, lengths: Int32Array): void {
    const scheme = this.schemeOf(buffer, starts[SCHEME]!, starts[SCHEME]! + lengths[SCHEME]!);
    const value = starts[VALUE]!;
    const valueEnd = value + lengths[VALUE]!;
    const change = lengths[CHANGE]! < 0 ? NO_CHANGE : seconds(buffer, starts[CHANGE]!);
    this.count += 1;
    if (lengths[RELATED]! >= 0) {
      // A person bound through a related organisation's listing (a few): as the ledger follower indexes a row.
      const related = starts[RELATED]!;
      const { code, related: listings } = this.index.entryOf({
        ...stateOf(buffer, starts, lengths),
        related: JSON.parse(utf8(buffer, related, related + lengths[RELATED]!)) as unknown[],
      });
      const text = utf8(buffer, value, valueEnd);
      this.index.setState(scheme, text, code, change);
      this.index.setRelated(scheme, text, listings);
      return;
    }
    // The value's bytes are its key in the index: no string made.
    this.index.setStateBytes(scheme, buffer, value, valueEnd, this.codes.code(buffer, starts, lengths), change);
  }

  /** The scheme's name, decoded once for a run of rows with the same one. */
  private schemeOf(buffer: Buffer, start: number, end: number): string {
    if (!matches(this.schemeBytes, buffer, start, end, end, end)) {
      this.scheme = utf8(buffer, start, end);
      this.schemeBytes = Buffer.from(buffer.subarray(start, end));
    }
    return this.scheme;
  }
}

/** A column's text, or null. */
function textOf(buffer: Buffer, starts: Int32Array, lengths: Int32Array, column: number): string | null {
  return lengths[column]! < 0 ? null : utf8(buffer, starts[column]!, starts[column]! + lengths[column]!);
}

/** A row's state without related listings (no policy: the index's). */
function stateOf(buffer: Buffer, starts: Int32Array, lengths: Int32Array): IndexedState {
  const lists = textOf(buffer, starts, lengths, LISTS) ?? '';
  return {
    indexed: true,
    grade: textOf(buffer, starts, lengths, GRADE),
    active_lists: lists === '' ? [] : lists.split(','),
    related: null,
    policy_digest: textOf(buffer, starts, lengths, POLICY),
  };
}

interface KnownState {
  readonly key: Buffer;
  readonly code: number;
}

/**
 * State codes by the bytes of a row's grade and lists columns (with the lists' length, so that null and empty
 * differ) and its policy column (with its length): few distinct, so computed once each.
 */
class StateCodes {
  private readonly byHash = new Map<number, KnownState[]>();
  private readonly index: DecisionIndex;
  /** The last row's state: rows in subject order often share it, and comparing costs less than hashing. */
  private last: KnownState | null = null;

  constructor(index: DecisionIndex) {
    this.index = index;
  }

  code(buffer: Buffer, starts: Int32Array, lengths: Int32Array): number {
    const start = starts[GRADE]!;
    const end = starts[LISTS]! + Math.max(0, lengths[LISTS]!);
    const policy = starts[POLICY]! - 4;
    const policyEnd = starts[POLICY]! + Math.max(0, lengths[POLICY]!);
    const last = this.last;
    if (last !== null && matches(last.key, buffer, start, end, policy, policyEnd)) return last.code;
    const hash = hashBytes(buffer, policy, policyEnd, hashBytes(buffer, start, end, 0));
    const known = this.byHash.get(hash) ?? [];
    let state = known.find((k) => matches(k.key, buffer, start, end, policy, policyEnd));
    if (state === undefined) {
      const key = Buffer.concat([buffer.subarray(start, end), buffer.subarray(policy, policyEnd)]);
      state = { key, code: this.index.entryOf(stateOf(buffer, starts, lengths)).code };
      this.byHash.set(hash, [...known, state]);
    }
    this.last = state;
    return state.code;
  }
}

function hashBytes(buffer: Buffer, start: number, end: number, seed: number): number {
  let hash = seed;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ buffer[i]!, 0x0100_0193);
  return hash;
}

/** Whether `key` holds the bytes [start, end) then [start2, end2) of `buffer` (a JS loop: a call costs more). */
function matches(key: Buffer, buffer: Buffer, start: number, end: number, start2: number, end2: number): boolean {
  const first = end - start;
  if (key.length !== first + end2 - start2) return false;
  for (let i = 0; i < first; i += 1) if (key[i] !== buffer[start + i]) return false;
  for (let i = first; i < key.length; i += 1) if (key[i] !== buffer[start2 + i - first]) return false;
  return true;
}

/**
 * A timestamp (microseconds from 2000, 64 bits) as state-table.ts keeps it: whole seconds since 1970, rounded down
 * (an instant before 1970 is 0: due at once; infinity, the latest it can hold).
 */
function seconds(buffer: Buffer, at: number): number {
  const micros = int32(buffer, at) * 0x1_0000_0000 + (int32(buffer, at + 4) >>> 0);
  const value = Math.floor((micros + EPOCH_2000_MICROS) / 1e6);
  return value < 0 ? 0 : Math.min(value, NO_CHANGE - 1);
}

type Utf8Slice = (this: Buffer, start: number, end: number) => string;
/**
 * Buffer's own decoder (toString calls it after checking its arguments): a method Node has long had but does not
 * document, so toString where it is missing.
 */
const utf8Slice = (Buffer.prototype as Buffer & { utf8Slice?: Utf8Slice }).utf8Slice;
const utf8 = (buffer: Buffer, start: number, end: number): string =>
  utf8Slice === undefined ? buffer.toString('utf8', start, end) : utf8Slice.call(buffer, start, end);
