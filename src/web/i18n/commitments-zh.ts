import type { COMMITMENTS_EN } from './commitments-en.ts';

/** 门户的信用承诺文字（《信用修复管理办法》，国家发展和改革委员会令2025年第36号）及修复办理期限，中文。 */
export const COMMITMENTS_ZH: Readonly<Record<keyof typeof COMMITMENTS_EN, string>> = {
  commitment_heading: '信用承诺',
  commitment_intro:
    '信用承诺是您向社会公开作出的守法履约承诺。申请信用修复须先作出信用承诺（国家发展和改革委员会令2025年第36号）。' +
    '承诺是公开的：它与您的公开记录一同显示；违反承诺本身即构成一条失信记录。',
  commitment_none: '您尚未作出信用承诺。',
  commitment_made_on: '作出于 {date}',
  commitment_for_record: '针对记录 {record}',
  commitment_for_conduct: '针对您的一般行为',
  commitment_label: '您的承诺（请用您自己的话）',
  commitment_hint: '最多 {max} 个字符。承诺将会公开。',
  commitment_submit: '作出此承诺',
  commitment_done: '您的信用承诺已记录，并已公开。',
  commitment_needed: '申请修复之前，请先针对此记录作出公开的信用承诺（国家发展和改革委员会令2025年第36号）。',
  commitment_covered: '您于 {date} 作出的信用承诺将随本申请一并提交。',
  commitment_general_summary: '作出信用承诺',
  agency_col_commitment: '信用承诺',
  repair_due: '您于 {date} 申请了信用修复；报送机构须在 {due} 前作出决定。',
  repair_overdue: '您于 {date} 申请了信用修复；报送机构应在 {due} 前作出决定，但尚未决定。',
};
