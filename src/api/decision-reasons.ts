/**
 * A decision's reasons in the API reader's language (issue 11). The decision index words each reason once, in
 * English, for the inquiry log and review tasks; a reader asking in Chinese gets the same reasons rendered from the
 * decision's measures (effect, list or grade, the relationship through which a related organisation's listing binds
 * them, the law) through ICU MessageFormat templates, every id turned into the policy's Chinese name.
 */

import type { RelatedVia } from '../domain/related.ts';
import { type Language, nameIn } from '../domain/local-text.ts';
import { compileMessage } from '../domain/message-format.ts';
import type { Policy } from '../domain/policy.ts';

const EFFECT =
  '{effect, select, deny {拒绝} restrict {限制} review {需人工审核} expedite {加快办理} waive {免除} other {{effect}}}';

const REASONS_ZH = {
  list: `${EFFECT}“{action}”：列入{list}（{list_basis}）；措施 {measure}，依据{basis}`,
  grade: `${EFFECT}“{action}”：信用等级为 {grade}；措施 {measure}，依据{basis}`,
  related:
    `${EFFECT}“{action}”：您是{organization}（{scheme} {organization_id}）的{role}（关系 {relationship}），` +
    '该单位列入{list}（{list_basis}）；措施 {measure} 依据{basis}约束相关人员',
} as const;

function template(key: keyof typeof REASONS_ZH) {
  return compileMessage('zh', REASONS_ZH[key]);
}

interface ReasonedMeasure {
  readonly id: string;
  readonly effect: string;
  readonly list: string | null;
  readonly grade: string | null;
  readonly related?: RelatedVia;
}

/** One reason per measure, in `language`: English as the index worded it, Chinese from the measures. */
export function reasonsIn(
  policy: Policy,
  decision: {
    readonly action: string;
    readonly measures: readonly ReasonedMeasure[];
    readonly reasons: readonly string[];
  },
  language: Language,
): readonly string[] {
  if (language === 'en') return decision.reasons;
  const action = nameIn(language, policy.actions.get(decision.action), decision.action);
  return decision.measures.map((m) => {
    const measure = policy.measures.find((x) => x.id === m.id);
    const list = m.list === null ? undefined : policy.lists.get(m.list);
    const common = { effect: m.effect, action, measure: m.id };
    if (m.related !== undefined && list !== undefined) {
      const role = policy.relationships?.roles.get(m.related.role);
      return template('related')({
        ...common,
        organization: m.related.organization.name,
        scheme: m.related.organization.scheme,
        organization_id: m.related.organization.id,
        role: role === undefined ? m.related.role : role.name[language],
        relationship: m.related.relationship_id,
        list: list.name[language],
        list_basis: list.legal_basis[language],
        basis: (measure?.binds_related?.legal_basis ?? measure?.legal_basis)?.[language] ?? '',
      });
    }
    if (list !== undefined)
      return template('list')({
        ...common,
        list: list.name[language],
        list_basis: list.legal_basis[language],
        basis: measure?.legal_basis[language] ?? '',
      });
    return template('grade')({ ...common, grade: m.grade ?? '', basis: measure?.legal_basis[language] ?? '' });
  });
}
