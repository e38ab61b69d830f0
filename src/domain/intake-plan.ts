/**
 * The pure part of intake: checking a batch and sorting it into candidates, in-batch
 * duplicates and rejections before the database is asked anything.
 */

import type { ProblemDetail } from '../errors.ts';
import type { Policy } from './policy.ts';
import { checkRecordInput, type NormalizedRecord, type RecordInput } from './record-input.ts';

export interface Accepted {
  readonly index: number;
  readonly source_ref: string;
  readonly record_id: string;
  readonly status: 'created' | 'duplicate';
}

export interface Rejected {
  readonly index: number;
  readonly source_ref: string | null;
  readonly errors: readonly ProblemDetail[];
}

export interface Candidate {
  readonly index: number;
  readonly record: NormalizedRecord;
}

export interface BatchPlan {
  readonly candidates: Candidate[];
  /** Later items repeating an earlier item's source_ref with the same content: index → first index. */
  readonly repeats: Map<number, number>;
  readonly rejected: Rejected[];
}

function sourceRefOf(input: unknown): string | null {
  const ref = (input as RecordInput | null)?.source_ref;
  return typeof ref === 'string' ? ref : null;
}

export function conflictProblem(sourceRef: string, where: string): ProblemDetail {
  return {
    code: 'CRD_SOURCE_REF_CONFLICT',
    path: 'source_ref',
    message:
      `source_ref "${sourceRef}" was already used ${where} for a record with different content; ` +
      'a correction needs its own request',
  };
}

/** Checks every item and separates in-batch repeats (same source_ref) from conflicts. */
export function planBatch(policy: Policy, agencyKind: string, inputs: readonly unknown[], now: Date): BatchPlan {
  const candidates: Candidate[] = [];
  const repeats = new Map<number, number>();
  const rejected: Rejected[] = [];
  const firstBySourceRef = new Map<string, Candidate>();
  inputs.forEach((input, index) => {
    const check = checkRecordInput(policy, agencyKind, input as RecordInput, now);
    if (!check.ok) {
      rejected.push({ index, source_ref: sourceRefOf(input), errors: check.problems });
      return;
    }
    const first = firstBySourceRef.get(check.record.source_ref);
    if (first === undefined) {
      const candidate = { index, record: check.record };
      firstBySourceRef.set(check.record.source_ref, candidate);
      candidates.push(candidate);
    } else if (first.record.digest === check.record.digest) {
      repeats.set(index, first.index);
    } else {
      rejected.push({
        index,
        source_ref: check.record.source_ref,
        errors: [conflictProblem(check.record.source_ref, `at index ${first.index} of this batch`)],
      });
    }
  });
  return { candidates, repeats, rejected };
}
