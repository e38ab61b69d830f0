/**
 * The policy digest: SHA-256 over the canonical JSON of the merged document (keys sorted, no
 * whitespace), so that reordering YAML keys or files or editing comments does not change it,
 * and changing any rule does.
 */

import { canonicalJson, sha256Hex } from '../domain/canonical.ts';

/** Lower-case hex SHA-256 of the canonical JSON of `document`. */
export function digestPolicyDocument(document: unknown): string {
  return sha256Hex(canonicalJson(document));
}
