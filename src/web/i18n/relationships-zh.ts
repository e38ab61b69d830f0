import type { RELATIONSHIPS_EN } from './relationships-en.ts';

/** 关联人员的文字（法释〔2015〕17号第三条第二款；法释〔2017〕7号第六条）：门户中的身份登记，公示名单中单位的法定代表人。 */
export const RELATIONSHIPS_ZH: Readonly<Record<keyof typeof RELATIONSHIPS_EN, string>> = {
  portal_relationships_heading: '登记的单位身份关系',
  portal_relationships_note:
    '以下身份由市场主体登记机关登记。单位被列入名单、且法律规定该名单的措施及于相应身份人员的，相关措施同样适用于该人员；' +
    '因私消费以个人财产实施的，可以向执行法院申请准许（法释〔2015〕17号第三条第二款）。身份登记有误的，请向登记机关申请更正。',
  portal_relationship_role: '{person}：{organization}（{organization_id}）的{role}',
  portal_relationship_from: '自{from}起',
  portal_relationship_from_until: '{from}至{until}',
  portal_relationship_revoked: '已于{day}撤销：{reason}',
  public_related_person: '{role}：{name}',
};
