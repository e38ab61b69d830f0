/**
 * What the signed-note, checkpoint and cosignature tests share: golang.org/x/mod/sumdb/note's
 * published PeterNeumann key pair (note.go's package documentation and note_test.go), and an
 * assertion on coded errors.
 */

import assert from 'node:assert/strict';
import type { ErrorCode } from '../../src/errors.ts';

export const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
export const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

/** Asserts that `run` throws a CredenceError with this code (and, if given, a message matching). */
export function throwsCode(run: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(run, (error: { code?: string; message: string }) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}
