/** Loading and validating policies: the public surface of `src/policy/`. */

export { loadPolicy, readPolicyFiles } from './load-policy.ts';
export { parsePolicyText } from './parse-policy-files.ts';
export { validatePolicyDocument } from './validate-policy.ts';
export { findSpecialCategory } from './special-categories.ts';
