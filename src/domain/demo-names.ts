/**
 * Plausible names and decision references for the demo city, drawn from small lists. The
 * companies are invented; any likeness to a registered company's name is chance.
 */

import type { Random } from './identifier-generators.ts';

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
  '梁',
  '宋',
  '郑',
  '谢',
  '韩',
  '唐',
  '冯',
  '于',
  '董',
  '萧',
  '程',
  '曹',
  '袁',
  '邓',
  '许',
  '傅',
  '沈',
  '曾',
  '彭',
  '吕',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '文',
  '华',
  '红',
  '建',
  '国',
  '志',
  '海',
  '燕',
  '浩',
  '然',
  '欣',
  '怡',
  '宇',
  '轩',
  '梓',
  '萱',
  '俊',
  '思',
  '远',
  '雨',
  '桐',
  '子',
  '涵',
  '晨',
  '阳',
  '佳',
  '琪',
  '博',
  '雅',
  '婷',
  '鹏',
  '飞',
  '玉',
  '兰',
  '秀',
  '英',
  '桂',
  '春',
  '晓',
  '东',
];
const FIRM_WORDS = [
  '瑞丰',
  '恒通',
  '金泰',
  '博远',
  '宏达',
  '新源',
  '天诚',
  '汇智',
  '鼎盛',
  '德润',
  '嘉禾',
  '永安',
  '安泰',
  '众合',
  '百川',
  '云帆',
  '星辰',
  '鑫源',
  '祥和',
  '华晟',
  '中润',
  '锦程',
  '远航',
  '正阳',
  '利民',
  '诚信',
  '东方',
  '盛世',
  '卓越',
  '广厦',
];
const INDUSTRIES = [
  '科技',
  '信息技术',
  '贸易',
  '商贸',
  '建筑工程',
  '餐饮管理',
  '物流',
  '文化传媒',
  '医药',
  '环保科技',
  '教育咨询',
  '房地产开发',
  '电子商务',
  '生物技术',
  '食品',
  '汽车服务',
  '装饰工程',
  '投资管理',
];
const FORMS = [
  ['有限公司', 0.7],
  ['有限责任公司', 0.2],
  ['股份有限公司', 0.1],
] as const;

/** Beijing's basic people's courts by case-number code, e.g. 京0105 for Chaoyang. */
const COURTS = ['0101', '0102', '0105', '0106', '0107', '0108', '0109', '0111', '0112', '0113', '0114', '0115'];

/** Document number prefixes by record type and agency kind, in the style of Beijing's departments. */
const DOCUMENT_PREFIXES: Record<string, string> = {
  'admin.penalty/market': '京市监处罚',
  'admin.penalty/tax': '京税稽罚',
  'admin.penalty/licensing': '京许罚',
  'admin.penalty/government': '京政罚',
  'admin.penalty/court': '京法罚',
  'tax.credit_grade/tax': '京税信评',
  'tax.arrears/tax': '京税欠告',
  'market.abnormal_operations/market': '京市监异',
  'license.revocation/licensing': '京许吊',
  'commendation.government/government': '京政发',
  'listing.serious_dishonesty/tax': '京税严失',
  'listing.serious_dishonesty/market': '京市监严列',
};

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}

/** One value of `[value, weight]` pairs whose weights sum to 1. */
export function weighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  let r = random.next();
  for (const [value, weight] of choices) {
    r -= weight;
    if (r < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

/** A surname and a one- or two-character given name. */
export function personName(random: Random): string {
  const surname = pick(random, SURNAMES);
  return random.next() < 0.7 ? surname + pick(random, GIVEN) + pick(random, GIVEN) : surname + pick(random, GIVEN);
}

/** E.g. 北京瑞丰信息技术有限公司. */
export function organizationName(random: Random): string {
  return `北京${pick(random, FIRM_WORDS)}${pick(random, INDUSTRIES)}${weighted(random, FORMS)}`;
}

/** E.g. (2025)京0105执1234号 for a court, 京市监处罚〔2025〕312号 for a department. */
export function documentRef(random: Random, type: string, agencyKind: string, year: number): string {
  const serial = 1 + random.int(9999);
  if (type === 'court.judgment_default') return `(${year})京${pick(random, COURTS)}执${serial}号`;
  return `${DOCUMENT_PREFIXES[`${type}/${agencyKind}`] ?? '京政'}〔${year}〕${serial}号`;
}
