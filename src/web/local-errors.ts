/**
 * Errors on pages in the page's language (issue 11): a refusal's text and each problem's message rendered from the
 * error catalogue (src/shell/error-text.ts), the field named by the form's own label where the page gives one.
 */

import type { CredenceError, ProblemDetail } from '../errors.ts';
import { findIdentifierProblem, normalizeIdentifier } from '../domain/identifiers.ts';
import type { IdentifierScheme, Policy } from '../domain/policy.ts';
import { errorText, problemText } from '../shell/error-text.ts';
import type { PageContext } from './layout.ts';

export interface ProblemLabels {
  /** Names record types by their policy names. */
  readonly policy?: Policy;
  /** The form's label of a field, by the problem's path. */
  readonly label?: (path: string) => string | undefined;
}

/** A refusal in the page's language. */
export function localError(ctx: PageContext, error: CredenceError, labels: ProblemLabels = {}): string {
  return errorText(error, { language: ctx.locale, ...labels });
}

/** A form's problems, each message in the page's language. */
export function localProblems(
  ctx: PageContext,
  problems: readonly ProblemDetail[],
  labels: ProblemLabels = {},
): ProblemDetail[] {
  return problems.map((p) => ({ ...p, message: problemText(p, { language: ctx.locale, ...labels }) }));
}

/** Why `value` is not a valid identifier of `scheme`, in the page's language (undefined when it is valid). */
export function localIdentifierProblem(ctx: PageContext, scheme: IdentifierScheme, value: string): string | undefined {
  const problem = findIdentifierProblem(scheme, normalizeIdentifier(scheme, value.trim().toUpperCase()));
  if (problem === undefined) return undefined;
  return problemText({ code: 'CRD_INVALID_IDENTIFIER', path: 'q', ...problem }, { language: ctx.locale });
}
