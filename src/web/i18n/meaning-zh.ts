/** 门户“这对我意味着什么”的中文文本（issue 11），并入 `zh`；类型保证键与英文一致。 */
import type { MEANING_EN } from './meaning-en.ts';

export const MEANING_ZH: Readonly<Record<keyof typeof MEANING_EN, string>> = {
  portal_list_status_pending: '已告知，尚未生效',
  portal_list_status_active: '生效中',
  meaning_list_pending: '已告知您：自{from}起您将被列入该名单（最迟至{until}）。目前尚未限制任何事项。',
  meaning_list_active: '自{since}起列入该名单，最迟至{until}。',
  meaning_will_refuse: '自{from}起，该名单对您意味着：',
  meaning_refuses: '该名单对您意味着：',
  meaning_no_measures: '该名单本身不关联任何措施：既不限制也不给予任何事项。',
  meaning_effect_line: '{effect}：{actions}',
  meaning_agency: '列入所依据的记录由以下机关作出：{agency}',
  meaning_contact: '联系方式：{contact}',
  meaning_contact_phone: '电话：{phone}',
  meaning_contact_address: '地址：{address}',
  meaning_exit_heading: '如何移出该名单',
  meaning_appeal:
    '如果记录有误，请在下方该记录（{record}）处提出异议：{agency}须在{days}日内答复；逾期未答复的，该记录停止计入。',
  meaning_respond_by: '如需在列入生效前陈述意见，请在{from}之前对该记录提出异议。',
  meaning_record_lists: '该记录使您被列入：{lists}。',
  meaning_record_pending: '该记录将使您自{from}起被列入：{lists}。',
  meaning_conflict:
    '“{action}”同时适用多项措施：适用“{winner}”，而非{others}。以名单为依据的拒绝或限制总是优先于奖励' +
    '（适用效力最强的措施：拒绝、限制、人工审核、免收费用、优先办理）。',
  portal_own_views: '您本人查看自己档案的次数：{count}（只计数，不逐条列出）。',
  portal_repair_opens: '您可自{date}起申请信用修复：自决定之日起的最短期限尚未届满。',
  portal_repair_on_performance: '履行义务（付清款项或履行判决）之后即可申请修复：请在下方说明并描述您所做的事。',
  portal_repair_open_now: '您现在即可申请信用修复。',
  portal_statement_summary: '为该记录添加您的说明',
  portal_statement_replace: '更换您对该记录的说明',
  portal_statement_label: '您的说明',
  portal_statement_hint: '机关在您提出异议后维持了该记录。您的说明将随该记录出现在关于您的每一份报告中。',
  portal_statement_submit: '保存说明',
  portal_done_statement: '您的说明已保存，将随该记录一并显示。',
};
