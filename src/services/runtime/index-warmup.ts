/**
 * Filling a decision index: one identifier's state as the projections hold it (`indexRow`), or every indexed
 * identifier from the database (`warmIndex`: COPY text in ranges read at once, index-warmup.repository.ts). Warm-up
 * reads COPY text rather than rows because the pg driver's cost per row (an object, a text[] and a JSON parse) made
 * it take 12 s per million identifiers. Here one pass over the bytes finds a line's columns (no call per column), a
 * state code is computed once per distinct grade, lists and policy, a scheme's name once, and each identifier becomes
 * a flat string of its own (a slice of a larger string would keep that one alive): its key in the index is the one
 * allocation a line costs.
 */

import type pg from 'pg';
import { type CopySplit, copyIndexedStates } from '../../store/index-warmup.repository.ts';
import type { IndexedIdentifier } from '../../store/state.repository.ts';
import type { DecisionIndex, IndexedState } from '../decisions/decision-index.ts';
import { changeSeconds } from '../decisions/state-table.ts';

/**
 * How the warm-up's COPY is split: PostgreSQL's share (the join and the text) over two backends while this process
 * parses, from 200,000 indexed subjects (below, the split's sample and second connection are not worth their cost).
 * This process parses alone, so on a 2-core machine more backends would only take its core.
 */
export const WARMUP_SPLIT: CopySplit = Object.freeze({ parts: 2, from: 200_000 });
const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const N = 78;
const MINUS = 45;
const ZERO = 48;
const NO_CHANGE = changeSeconds(null);
/** Scheme, value, grade, lists, next change, related; a seventh, the policy, is optional (tests write six). */
const MIN_TABS = 5;
const MAX_TABS = 6;

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
  return indexFromCopies(index, await copyIndexedStates(pool, index.policy.digest, split));
}

/** Fills `index` from one stream of COPY text in chunks (columns: index-warmup.repository.ts); answers the lines. */
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
    const lines = new CopyLines(rows);
    try {
      for await (const chunk of chunks) {
        if (failed) return;
        lines.push(chunk);
      }
      lines.end();
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const outcomes = await Promise.allSettled(streams.map(read));
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  return rows.count;
}

/** One stream's lines, cut from its chunks in one pass that also finds each line's tabs. */
class CopyLines {
  private readonly rows: CopyRows;
  private readonly tabs = new Int32Array(MAX_TABS + 1);
  private rest: Buffer | null = null;

  constructor(rows: CopyRows) {
    this.rows = rows;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.rest !== null) {
      // A line cut between chunks: only it is copied, not the chunk.
      const first = chunk.indexOf(NEWLINE);
      if (first === -1) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return;
      }
      const line = Buffer.concat([this.rest, chunk.subarray(0, first + 1)]);
      this.scan(line, 0);
      start = first + 1;
    }
    const end = this.scan(chunk, start);
    this.rest = end < chunk.length ? chunk.subarray(end) : null;
  }

  end(): void {
    if (this.rest !== null) throw new Error('the index warm-up COPY text ended in the middle of a line');
  }

  /** Indexes every whole line from `start`; answers where the first incomplete one starts. */
  private scan(buffer: Buffer, start: number): number {
    const tabs = this.tabs;
    let line = start;
    let count = 0;
    // A backslash in the scheme or value (an escape) sends the line the slow way; in later columns `\N` is common.
    let escaped = false;
    for (let i = start; i < buffer.length; i += 1) {
      const byte = buffer[i]!;
      if (byte === TAB) {
        if (count <= MAX_TABS) tabs[count] = i;
        count += 1;
      } else if (byte === NEWLINE) {
        if (count < MIN_TABS || count > MAX_TABS)
          throw new Error(`the index warm-up COPY text has a line of ${count + 1} columns`);
        this.rows.add(buffer, line, i, tabs, count, escaped);
        line = i + 1;
        count = 0;
        escaped = false;
      } else if (byte === BACKSLASH && count < 2) escaped = true;
    }
    return line;
  }
}

/** Lines into the index: state codes, scheme names and the count shared by the streams. */
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

  /** The line [start, end) whose tab positions are `tabs[0..tabCount)`. */
  add(buffer: Buffer, start: number, end: number, tabs: Int32Array, tabCount: number, escaped: boolean): void {
    const t0 = tabs[0]!;
    const t1 = tabs[1]!;
    const t2 = tabs[2]!;
    const t3 = tabs[3]!;
    const t4 = tabs[4]!;
    const t5 = tabCount > MIN_TABS ? tabs[5]! : end;
    const scheme = this.schemeOf(buffer, start, t0);
    const value = escaped ? field(buffer, t0 + 1, t1) : utf8(buffer, t0 + 1, t1);
    const change = isNull(buffer, t3 + 1, t4) ? NO_CHANGE : seconds(buffer, t3 + 1, t4);
    const digest = t5 === end ? t5 : t5 + 1;
    this.count += 1;
    if (!isNull(buffer, t4 + 1, t5)) {
      // A person bound through a related organisation's listing (a few): as the ledger follower indexes a row.
      const { code, related } = this.index.entryOf({
        ...stateOf(buffer, t1 + 1, t2, t3, digest, end),
        related: JSON.parse(field(buffer, t4 + 1, t5)) as unknown[],
      });
      this.index.setState(scheme, value, code, change);
      this.index.setRelated(scheme, value, related);
      return;
    }
    this.index.setState(scheme, value, this.codes.code(buffer, t1 + 1, t2, t3, digest, end), change);
  }

  /** The scheme's name, decoded once for a run of lines with the same one. */
  private schemeOf(buffer: Buffer, start: number, end: number): string {
    if (!matches(this.schemeBytes, buffer, start, end, end, end)) {
      this.scheme = field(buffer, start, end);
      this.schemeBytes = Buffer.from(buffer.subarray(start, end));
    }
    return this.scheme;
  }
}

/**
 * A line's state without related listings: grade [gradeStart, tab), lists to `listsEnd`, the policy's digest
 * [digestStart, digestEnd) (empty or `\N`: the index's policy).
 */
function stateOf(
  buffer: Buffer,
  gradeStart: number,
  tab: number,
  listsEnd: number,
  digestStart: number,
  digestEnd: number,
): IndexedState {
  const lists = field(buffer, tab + 1, listsEnd);
  const digest =
    digestStart === digestEnd || isNull(buffer, digestStart, digestEnd) ? null : field(buffer, digestStart, digestEnd);
  return {
    indexed: true,
    grade: field(buffer, gradeStart, tab),
    active_lists: lists === '' ? [] : lists.split(','),
    related: null,
    policy_digest: digest,
  };
}

interface KnownState {
  readonly key: Buffer;
  readonly code: number;
}

/** State codes by the bytes of a line's grade, lists and policy columns: few distinct, so computed once each. */
class StateCodes {
  private readonly byHash = new Map<number, KnownState[]>();
  private readonly index: DecisionIndex;

  constructor(index: DecisionIndex) {
    this.index = index;
  }

  /** The code of grade [start, tab) and lists (to `listsEnd`) under the policy [digestStart, digestEnd). */
  code(buffer: Buffer, start: number, tab: number, listsEnd: number, digestStart: number, digestEnd: number): number {
    const hash = hashBytes(buffer, digestStart, digestEnd, hashBytes(buffer, start, listsEnd, 0));
    const known = this.byHash.get(hash);
    if (known !== undefined)
      for (const k of known) if (matches(k.key, buffer, start, listsEnd, digestStart, digestEnd)) return k.code;
    const { code } = this.index.entryOf(stateOf(buffer, start, tab, listsEnd, digestStart, digestEnd));
    const key = Buffer.concat([buffer.subarray(start, listsEnd), buffer.subarray(digestStart, digestEnd)]);
    this.byHash.set(hash, [...(known ?? []), { key, code }]);
    return code;
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

/** Whole seconds since 1970 as state-table.ts keeps them (an instant before 1970 is 0: due at once). */
function seconds(buffer: Buffer, start: number, end: number): number {
  if (buffer[start] === MINUS) return 0;
  let value = 0;
  for (let i = start; i < end; i += 1) value = value * 10 + (buffer[i]! - ZERO);
  return Math.min(value, NO_CHANGE - 1);
}

function isNull(buffer: Buffer, start: number, end: number): boolean {
  return end - start === 2 && buffer[start] === BACKSLASH && buffer[start + 1] === N;
}

type Utf8Slice = (this: Buffer, start: number, end: number) => string;
/**
 * Buffer's own decoder (toString calls it after checking its arguments, a tenth of the warm-up's parsing): a
 * method Node has long had but does not document, so toString where it is missing.
 */
const utf8Slice = (Buffer.prototype as Buffer & { utf8Slice?: Utf8Slice }).utf8Slice;
const utf8 = (buffer: Buffer, start: number, end: number): string =>
  utf8Slice === undefined ? buffer.toString('utf8', start, end) : utf8Slice.call(buffer, start, end);

/** COPY text's escapes (PostgreSQL writes only these, and `\\`). */
const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A column's text, a flat string of its own, COPY escapes undone. */
function field(buffer: Buffer, start: number, end: number): string {
  const text = utf8(buffer, start, end);
  for (let i = start; i < end; i += 1)
    if (buffer[i] === BACKSLASH) return text.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
  return text;
}
