/** Loading and validating policies: the public surface of `src/policy/`. */

export { loadPolicy, readPolicyFiles } from './load-policy.ts';
export { parsePolicyText, type ParsedPolicy, type PolicyFile } from './parse-policy-files.ts';
export { validatePolicyDocument, type PolicyValidation } from './validate-policy.ts';
export { digestPolicyDocument } from './digest.ts';
export { findSpecialCategory, SPECIAL_CATEGORY_MESSAGE } from './special-categories.ts';
