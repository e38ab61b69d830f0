/**
 * A breach of a credit commitment (Guo Ban Fa [2019] 35 (1); the policy's `commitment.breach`) names, in its
 * `commitment` attribute, the commitment broken: a commitment the same subject made. A record of any type with a
 * `commitment` attribute naming anything else is rejected (CRD_INVALID_ATTRIBUTE at `attributes.commitment`).
 */

import type { Transaction } from 'kysely';
import type { Candidate, Rejected } from '../../domain/intake-plan.ts';
import { getCommitmentsByIds } from '../../store/commitments.repository.ts';
import type { DB } from '../../store/schema.ts';
import { keyOf, type Resolution } from './subject-resolution.service.ts';

/** Rejects the candidates naming a commitment that is not their subject's; returns the rest. */
export async function excludeUnknownCommitments(
  trx: Transaction<DB>,
  resolution: Resolution,
  candidates: Candidate[],
  rejected: Rejected[],
): Promise<Candidate[]> {
  const named = candidates.flatMap((c) => c.record.attributes.commitment ?? []);
  const subjects = new Map((await getCommitmentsByIds(trx, [...new Set(named)])).map((c) => [c.id, c.subject_id]));
  return candidates.filter((c) => {
    const commitment = c.record.attributes.commitment;
    if (commitment === undefined || subjects.get(commitment) === resolution.subjectIdByKey.get(keyOf(c))) return true;
    const message = `commitment "${commitment}" is not a credit commitment this subject made`;
    rejected.push({
      index: c.index,
      source_ref: c.record.source_ref,
      errors: [{ code: 'CRD_INVALID_ATTRIBUTE', path: 'attributes.commitment', message }],
    });
    return false;
  });
}
