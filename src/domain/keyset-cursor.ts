/**
 * Opaque cursors for keyset pagination: where a page starts (the last key shown and which way to read on), and the
 * page's number when the order allows "page X of Y". A cursor is base64url JSON; it carries no secret and grants
 * nothing (every read it resumes is filtered and authorised as the first page was), so a forged one can only
 * move the reader in the same list.
 */

import { CredenceError } from '../errors.ts';

/** Read on after the key (`after`), before it (`before`, the reverse scan), or from the end (`last`). */
export type CursorDirection = 'after' | 'before' | 'last';

export interface Cursor {
  readonly direction: CursorDirection;
  /** The key of the row the scan starts past, as the listing orders it (absent for `last`). */
  readonly key: readonly string[];
  /** The number of the page the cursor opens, 1-based. */
  readonly page: number;
}

const MAX_CURSOR_LENGTH = 400;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.direction, cursor.page, ...cursor.key])).toString('base64url');
}

/** The cursor a query parameter carries, or CRD_VALIDATION naming the parameter if it is not one of ours. */
export function decodeCursor(text: string, path: string, keyLength: number): Cursor {
  const fail = () => {
    const message = `${path.replace(/^.*\./, '')} must be a cursor from a previous page (its next, previous or last)`;
    return new CredenceError('CRD_VALIDATION', message, [{ code: 'CRD_VALIDATION', path, message }]);
  };
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  if (!Array.isArray(parsed)) throw fail();
  const [direction, page, ...key] = parsed as unknown[];
  const keyed = direction === 'after' || direction === 'before';
  const validDirection = keyed || direction === 'last';
  const validPage = Number.isSafeInteger(page) && (page as number) >= 1;
  const validKey = key.every((k) => typeof k === 'string' && k.length <= 100) && key.length === (keyed ? keyLength : 0);
  if (!validDirection || !validPage || !validKey) throw fail();
  return { direction: direction as CursorDirection, page: page as number, key: key as string[] };
}
