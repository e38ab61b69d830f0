/** Credit commitments in tests: repair needs one (NDRC Order No. 36 (2025)). */

import assert from 'node:assert/strict';
import { bearer, type TestRegistry } from './registry.ts';

/**
 * `key` (the subject's own, or an operator's, which files the subject's written commitment) makes a credit commitment
 * for the subject `scheme:id`, about their conduct at large; returns its id.
 */
export async function makeCommitment(t: Pick<TestRegistry, 'app'>, key: string, subject: string): Promise<string> {
  const [scheme, id] = subject.split(':');
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/subjects/${scheme}/${id}/commitments`,
    headers: bearer(key),
    payload: { text: 'I will meet every obligation on time and keep the law.', document_ref: 'written commitment' },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().commitment_id as string;
}

/** The `scheme:id` of the subject of a record input (a factory's), for `makeCommitment`. */
export function subjectOf(record: Record<string, unknown>): string {
  const subject = record.subject as { scheme: string; id: string };
  return `${subject.scheme}:${subject.id}`;
}
