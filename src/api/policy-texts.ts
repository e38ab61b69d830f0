/**
 * Policy texts in the API reader's language (issue 11): where an answer names a list, a measure's legal basis, an
 * action or a record type, it gives the policy's text in the language of `Accept-Language` (`zh`, `zh-*`: Chinese;
 * otherwise English), with the ids unchanged beside them, so a client keys on ids and shows the names.
 */

import { type Language, nameIn } from '../domain/local-text.ts';
import type { Policy } from '../domain/policy.ts';

/** The OpenAPI description of the header every such route reads. */
export const ACCEPT_LANGUAGE_HEADERS = {
  type: 'object',
  properties: {
    'accept-language': {
      type: 'string',
      description:
        'The language of policy texts, notices and error messages in the answer: `zh` or `zh-*` for Chinese; ' +
        'anything else, or none, for English. Ids and codes never change.',
    },
  },
} as const;

interface MeasureRef {
  readonly id: string;
  readonly legal_basis: string;
  readonly list?: string | null | undefined;
  /** Set where the measure binds the subject through a related organisation (Fa Shi [2015] 17 art. 3 para. 2). */
  readonly related?: unknown;
}

/** A measure with its legal basis, and the name of the list it rests on, in `language`. */
export function measureIn<M extends MeasureRef>(policy: Policy, m: M, language: Language) {
  const measure = policy.measures.find((x) => x.id === m.id);
  const list = m.list == null ? undefined : policy.lists.get(m.list);
  // Through a related organisation, the law cited is the one that binds related persons (`binds_related`).
  const basis = m.related === undefined ? measure?.legal_basis : (measure?.binds_related?.legal_basis ?? undefined);
  return {
    ...m,
    legal_basis: basis === undefined ? m.legal_basis : basis[language],
    ...(m.list == null ? {} : { list_name: nameIn(language, list, m.list) }),
  };
}

/** A list membership with the list's name, legal basis and exit route in `language`. */
export function membershipIn<L extends { readonly list: string; readonly legal_basis: string }>(
  policy: Policy,
  m: L,
  language: Language,
) {
  const list = policy.lists.get(m.list);
  return list === undefined
    ? m
    : { ...m, list_name: list.name[language], legal_basis: list.legal_basis[language], exit: list.exit[language] };
}

/** An action's name in `language` (its id where the policy has none). */
export function actionName(policy: Policy, action: string, language: Language): string {
  return nameIn(language, policy.actions.get(action), action);
}

/** A record type's name in `language`. */
export function recordTypeName(policy: Policy, type: string, language: Language): string {
  return nameIn(language, policy.record_types.get(type), type);
}
