/** 简体中文 messages of the error pages, the public pages' pagination and search counts, and the operator console. */
import type { PAGES_EN } from './pages-en.ts';

export const PAGES_ZH: Readonly<Record<keyof typeof PAGES_EN, string>> = {
  error_next_heading: '您可以这样做',
  error_home_link: '前往公共信用信息查询',
  error_403_title: '无权访问',
  error_403_text: '您的账户无权打开此页面。请使用有权限的账户登录，或返回上一页。',
  error_404_title: '找不到此页面',
  error_404_text: '此地址没有页面。请检查地址，或从查询页重新开始。',
  error_429_title: '请求过于频繁',
  error_429_text: '来自您网络地址的请求过多。请等待 {seconds} 秒后再试。',
  effect_allow: '允许',
  effect_deny: '拒绝',
  effect_restrict: '限制',
  effect_review: '先经人工审核',
  effect_expedite: '加快办理',
  effect_waive: '免除',
  op_role_label_operator: '运营人员',
  op_role_label_agency: '信息提供单位',
  op_role_label_relying: '信用信息使用单位',
  op_role_label_auditor: '审计人员',
  op_role_label_subject: '信用主体',
  op_key_copy_hint: '请选中密钥并复制；密钥只在本页显示。',
  op_delivery_stalled_heading: '通知未能送达',
  op_delivery_stalled_text:
    '有 {pending} 条通知等待送达，且没有一条送达成功：信用主体没有收到告知。' +
    '请检查通知推送地址（CREDENCE_NOTICE_WEBHOOK）和送达错误。',
  page_first: '首页',
  page_last: '末页',
  page_of: '第 {page} 页，共 {pages} 页',
  list_total: '此名单共有 {total} 个个人和组织。',
  list_total_capped: '此名单超过 {total} 个个人和组织；请按名称或证件号码查询。',
  search_total: '共查到 {total} 个。',
  search_total_capped: '查到超过 {total} 个：请补全名称，或按证件号码查询。',
  search_invalid_identifier: '这不是有效的{scheme}：{problem}。请逐位核对（最后一位是校验码）。本次未进行查询。',
};
