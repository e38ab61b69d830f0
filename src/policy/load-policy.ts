/**
 * Loading a policy from a folder of YAML files (`policies/default/`): every `*.yaml` file,
 * in name order, merged and validated. The only I/O in `src/policy/`.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CredenceError } from '../errors.ts';
import type { Policy } from '../domain/policy.ts';
import { parsePolicyText, type PolicyFile } from './parse-policy-files.ts';

/** Reads every `*.yaml` (or `*.yml`) file in `dir`, sorted by name. */
export async function readPolicyFiles(dir: string): Promise<PolicyFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    throw new CredenceError('CRD_POLICY_INVALID', `cannot read policy folder ${dir}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new CredenceError('CRD_POLICY_INVALID', `no policy files (*.yaml) in ${dir}`);
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}

/**
 * Loads and validates the policy in `dir`. Throws `CRD_POLICY_INVALID` listing every problem
 * (each with its path, file and line) when the policy is not valid.
 */
export async function loadPolicy(dir: string): Promise<Policy> {
  const { policy, problems } = parsePolicyText(await readPolicyFiles(dir));
  if (policy !== undefined) return policy;
  const lines = problems.map((problem) => `\n  ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new CredenceError('CRD_POLICY_INVALID', `policy in ${dir} is invalid (${count}):${lines.join('')}`, problems);
}
