/**
 * Policies built from the documents in the ledger's policy store, by digest, built once per process: a policy
 * activation, a replay and a process following another's activation all read policies this way.
 */

import type { Policy } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';
import { validatePolicyDocument } from '../../policy/index.ts';
import type { Executor } from '../../store/executor.ts';
import { getPolicyDocument } from '../../store/policies.repository.ts';

const built = new Map<string, Policy>();

/** Makes a policy this process already has (its configured one) known by its digest. */
export function rememberPolicy(policy: Policy): void {
  built.set(policy.digest, policy);
}

/** The policy stored under `digest`; CRD_POLICY_INVALID when there is none or it no longer validates. */
export async function storedPolicy(db: Executor, digest: string): Promise<Policy> {
  const known = built.get(digest);
  if (known !== undefined) return known;
  const document = await getPolicyDocument(db, digest);
  const validation = document === undefined ? undefined : validatePolicyDocument(document);
  if (validation?.policy === undefined)
    throw new CredenceError(
      'CRD_POLICY_INVALID',
      `stored policy ${digest} cannot be loaded`,
      validation?.problems ?? [],
    );
  built.set(digest, validation.policy);
  return validation.policy;
}
