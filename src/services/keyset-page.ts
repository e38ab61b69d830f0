/**
 * One page of a listing paged by keyset (issue 12), whatever is listed: a page reads from its cursor's key and
 * never skips rows, so the last page (a reverse scan) costs what the first does. With a total (a maintained
 * count), the page knows its number of Y and offers the last page; the last page holds what is left after the
 * full pages, so pages read backwards line up with pages read forwards. A read back to the start is the first
 * page, as read forwards.
 */

import { type Cursor, decodeCursor, encodeCursor } from '../domain/keyset-cursor.ts';
import { CredenceError } from '../errors.ts';

export interface KeysetSource<R, K> {
  /** The cursor from the query (`after`), if any. */
  readonly after: string | undefined;
  readonly size: number;
  /** How many rows the listing holds (a maintained count), or null if unknown. */
  readonly total: number | null;
  /** How many strings a key has. */
  readonly keyLength: number;
  /** The key of a row, as strings, in the listing's order. */
  keyOf(row: R): string[];
  /** The key a cursor carries, checked; undefined if it is not a key of this listing. */
  parseKey(key: readonly string[]): K | undefined;
  /** Up to `limit` rows strictly past `from` (null: from the start): `forward` in the listing's order, or back. */
  read(from: K | null, toward: 'forward' | 'backward', limit: number): Promise<R[]>;
}

export interface KeysetPage<R> {
  readonly rows: R[];
  readonly page: number;
  /** Null when the total is unknown. */
  readonly pages: number | null;
  /** Cursors for `after`: the next page, the previous one and the last one; null where there is none. */
  readonly next: string | null;
  readonly previous: string | null;
  readonly last: string | null;
}

const PATH = 'querystring.after';

export async function readKeysetPage<R, K>(source: KeysetSource<R, K>): Promise<KeysetPage<R>> {
  const cursor = source.after === undefined ? null : decodeCursor(source.after, PATH, source.keyLength);
  const key = cursor === null || cursor.direction === 'last' ? null : checkedKey(source, cursor);
  const { rows, page, hasNext, isLast } = await readRows(source, cursor, key);
  const { size, total } = source;
  const pages = total === null ? null : Math.max(1, Math.ceil(total / size), page);
  const first = rows[0];
  const end = rows[rows.length - 1];
  const past = (direction: 'after' | 'before', row: R, number: number) =>
    encodeCursor({ direction, page: number, key: source.keyOf(row) });
  return {
    rows,
    page,
    pages,
    next: hasNext && end !== undefined ? past('after', end, page + 1) : null,
    previous: page > 1 && first !== undefined ? past('before', first, page - 1) : null,
    last:
      pages !== null && !isLast && (page < pages || hasNext)
        ? encodeCursor({ direction: 'last', key: [], page: pages })
        : null,
  };
}

async function readRows<R, K>(source: KeysetSource<R, K>, cursor: Cursor | null, key: K | null) {
  const { size, total } = source;
  if (cursor === null || cursor.direction === 'after') {
    const found = await source.read(key, 'forward', size + 1);
    return { rows: found.slice(0, size), page: cursor?.page ?? 1, hasNext: found.length > size, isLast: false };
  }
  const isLast = cursor.direction === 'last';
  const pages = Math.max(1, Math.ceil((total ?? 0) / size));
  const take = isLast && total !== null ? Math.min(size, Math.max(1, total - (pages - 1) * size)) : size;
  const found = await source.read(key, 'backward', take + 1);
  if (found.length <= take) return readRows(source, null, null);
  const page = isLast ? Math.max(2, pages) : Math.max(2, cursor.page);
  return { rows: found.slice(0, take).reverse(), page, hasNext: !isLast, isLast };
}

function checkedKey<R, K>(source: KeysetSource<R, K>, cursor: Cursor): K {
  const key = source.parseKey(cursor.key);
  if (key !== undefined) return key;
  const message = 'after must be a cursor from a previous page (its next, previous or last)';
  throw new CredenceError('CRD_VALIDATION', message, [{ code: 'CRD_VALIDATION', path: PATH, message }]);
}
