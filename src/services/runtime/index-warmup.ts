/**
 * Filling a decision index: one identifier's state as the projections hold it (`indexRow`), or every indexed
 * identifier from COPY text (`indexFromCopy`, state.repository.ts copyIndexedIdentifiers). Warm-up reads COPY text
 * rather than rows because the pg driver's cost per row (an object, a text[] and a JSON parse) made it take 12 s per
 * million identifiers: here lines are cut from the bytes, a state code is computed once per distinct grade and lists,
 * and each identifier becomes a flat string of its own (a slice of a larger string would keep that one alive).
 */

import type { IndexedIdentifier } from '../../store/state.repository.ts';
import type { DecisionIndex } from '../decisions/decision-index.ts';
import { changeSeconds } from '../decisions/state-table.ts';

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const N = 78;
const MINUS = 45;
const ZERO = 48;
const NO_CHANGE = changeSeconds(null);

/** State codes by the bytes of a line's grade and lists columns: few distinct, so computed once each. */
class StateCodes {
  private readonly byHash = new Map<number, { readonly bytes: Buffer; readonly code: number }[]>();
  private readonly index: DecisionIndex;

  constructor(index: DecisionIndex) {
    this.index = index;
  }

  code(buffer: Buffer, start: number, tab: number, end: number): number {
    let hash = 0;
    for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ buffer[i]!, 0x0100_0193);
    const known = this.byHash.get(hash);
    if (known !== undefined)
      for (const k of known) if (buffer.compare(k.bytes, 0, k.bytes.length, start, end) === 0) return k.code;
    const code = this.index.encode(field(buffer, start, tab), splitLists(field(buffer, tab + 1, end)));
    this.byHash.set(hash, [...(known ?? []), { bytes: Buffer.from(buffer.subarray(start, end)), code }]);
    return code;
  }
}
/** COPY text's escapes (PostgreSQL writes only these, and `\\`). */
const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Records one identifier's state as the projections hold it (unindexed: the base state, i.e. none). */
export function indexRow(index: DecisionIndex, row: IndexedIdentifier): void {
  const { code, related } = index.entryOf(row);
  // The next change marks the entry stale once it has come, until the scheduled jobs re-evaluate the subject.
  index.set(row.scheme, row.value, code, row.next_change_at);
  index.setRelated(row.scheme, row.value, related);
}

/** Fills `index` from COPY text in chunks: scheme, value, grade, lists, next change (seconds), related (JSON). */
export async function indexFromCopy(index: DecisionIndex, chunks: AsyncIterable<Buffer>): Promise<number> {
  const codes = new StateCodes(index);
  let rest: Buffer | null = null;
  let lines = 0;
  for await (const chunk of chunks) {
    let start = 0;
    if (rest !== null) {
      // A line cut between chunks: only it is copied, not the chunk.
      const first = chunk.indexOf(NEWLINE);
      if (first === -1) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const line = Buffer.concat([rest, chunk.subarray(0, first)]);
      indexLine(index, codes, line, 0, line.length);
      lines += 1;
      start = first + 1;
    }
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      indexLine(index, codes, chunk, start, end);
      lines += 1;
      start = end + 1;
    }
    rest = start < chunk.length ? chunk.subarray(start) : null;
  }
  if (rest !== null) throw new Error('the index warm-up COPY text ended in the middle of a line');
  return lines;
}

function indexLine(index: DecisionIndex, codes: StateCodes, buffer: Buffer, start: number, end: number) {
  const t1 = buffer.indexOf(TAB, start);
  const t2 = buffer.indexOf(TAB, t1 + 1);
  const t3 = buffer.indexOf(TAB, t2 + 1);
  const t4 = buffer.indexOf(TAB, t3 + 1);
  const t5 = buffer.indexOf(TAB, t4 + 1);
  if (t5 === -1 || t5 > end) throw new Error('the index warm-up COPY text has a line of fewer than 6 columns');
  const scheme = field(buffer, start, t1);
  const value = field(buffer, t1 + 1, t2);
  const change = isNull(buffer, t4 + 1, t5) ? NO_CHANGE : seconds(buffer, t4 + 1, t5);
  if (!isNull(buffer, t5 + 1, end)) {
    // A person bound through a related organisation's listing (a few): as the ledger follower indexes a row.
    const at = change === NO_CHANGE ? null : new Date(change * 1000);
    const row = { subject_id: '', scheme, value, indexed: true, next_change_at: at };
    const lists = field(buffer, t3 + 1, t4);
    const related = JSON.parse(field(buffer, t5 + 1, end)) as unknown[];
    indexRow(index, { ...row, grade: field(buffer, t2 + 1, t3), active_lists: splitLists(lists), related });
    return;
  }
  index.setState(scheme, value, codes.code(buffer, t2 + 1, t3, t4), change);
}

/** Whole seconds since 1970 as state-table.ts keeps them (an instant before 1970 is 0: due at once). */
function seconds(buffer: Buffer, start: number, end: number): number {
  if (buffer[start] === MINUS) return 0;
  let value = 0;
  for (let i = start; i < end; i += 1) value = value * 10 + (buffer[i]! - ZERO);
  return Math.min(value, NO_CHANGE - 1);
}

const splitLists = (lists: string) => (lists === '' ? [] : lists.split(','));

function isNull(buffer: Buffer, start: number, end: number): boolean {
  return end - start === 2 && buffer[start] === BACKSLASH && buffer[start + 1] === N;
}

/** A column's text, a flat string of its own, COPY escapes undone. */
function field(buffer: Buffer, start: number, end: number): string {
  const text = buffer.toString('utf8', start, end);
  for (let i = start; i < end; i += 1)
    if (buffer[i] === BACKSLASH) return text.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
  return text;
}
