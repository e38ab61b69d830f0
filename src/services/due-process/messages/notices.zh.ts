/**
 * 通知的中文目录：每种通知一个 ICU MessageFormat 模板（issue 11），在读取通知时填入参数。日期经 `{name, day}`
 * （Intl，CREDENCE_TIME_ZONE 时区），数量经 `plural`。机关、记录类型和名单均以中文名称传入，绝不使用编号。
 */

import type { NoticeMessages } from './notice-keys.ts';

export const NOTICES_ZH: NoticeMessages = {
  'record.filed':
    '{agency}提交了一条关于您的记录“{type}”（{ref}），决定日期为{decided, day}。' +
    '{list_count, plural, =0 {} other {该记录使您被列入：{lists}。}}',
  open_ended:
    '该记录没有固定期限：在{agency}终止之前（例如履行之后）一直计入，最迟至{open_until, day}，即自决定之日起' +
    '本系统规定的最长期限{max}；此后如需继续列入，{agency}须作出新的决定。',
  'record.corrected':
    '{agency}更正了记录“{type}”（{ref}），现为第 {version} 版。理由：{reason}。' +
    '{status, select, active {自即日起按更正后的内容计入。} disputed {异议期间继续计入。} other {该记录不计入。}}',
  'record.revoked':
    '{agency}撤销了记录“{type}”（{ref}）。理由：{reason}。该记录不再计入您的评分、名单或措施，' +
    '并标注为“已撤销”保留在您的历史中。',
  'record.expired':
    '{agency}提交的记录“{type}”（{ref}）已于{ended, day}期满。该记录不再计入您的评分、名单或措施，' +
    '并标注为“已期满”保留在您的历史中。',
  'record.repaired':
    '{agency}批准了您对记录“{type}”（{ref}）的信用修复申请。理由：{reason}。该记录不再计入您的评分或名单，' +
    '也不再公示；它标注为“已修复”保留在您的历史中。',
  'list.pending':
    '您将于{from, day}被列入{list}，除非其所依据的{count, plural, other {# 条记录}}在此之前被更正、撤销或经异议成功。',
  'list.started': '自{from, day}起您被列入{list}，最迟至{until, day}，依据{count, plural, other {# 条记录}}。',
  'list.ended': '您已不再列入{list}，其措施不再适用。',
  'record.noted':
    '登记平台运营方在{agency}提交的记录“{type}”（{ref}）上添加了说明：“{note}”。该说明以运营方名义与记录一并显示，' +
    '与您的陈述分开，不影响任何计分或名单。',
  'commitment.filed':
    '登记平台运营方根据您的书面信用承诺（{ref}），以您的名义{scoped, select, yes {就记录“{type}”} other {}}登记了一项' +
    '公开信用承诺。该承诺随您的信用档案公开，可作为信用修复申请的依据；违反承诺的，可能被记为一条记录。您可以在' +
    '档案中查看；如您并未作出该承诺，请立即告知登记平台运营方。',
  policy_changed:
    '此项变化源于自{policy_activated, day}起施行的登记规则（政策版本 {policy_version}），您的记录本身并无变化。',
  'dispute.opened':
    '您对{agency}提交的记录“{type}”（{ref}）提出的异议已受理。{agency}须在{due, day}前答复，否则该记录在答复前' +
    '不再计入。{status, select, disputed {在此期间该记录继续计入：它是有权机关作出的决定，异议期间仍然有效。} ' +
    'other {在此期间该记录不计入。}}',
  'dispute.resolved':
    '您对记录“{type}”（{ref}）的异议已处理完毕：{agency}{outcome, select, ' +
    'upheld {维持了该记录。您可以附上一份说明，它将在每份报告中与该记录一同显示。} ' +
    'corrected {更正了该记录，自即日起按更正后的版本计入。} ' +
    'other {撤销了该记录，它不再计入，并标注为“已撤销”保留在您的历史中。}}理由：{reason}。',
  'dispute.overdue':
    '{agency}未在{due, day}前答复您对记录“{type}”（{ref}）的异议。在异议处理完毕之前，该记录不再计入您的评分、' +
    '名单或措施。',
  'repair.refused':
    '{agency}驳回了您对记录“{type}”（{ref}）的信用修复申请。理由：{reason}。您可以提供新的证据再次申请。',
  'repair.overdue':
    '{agency}未在{due, day}前对您就记录“{type}”（{ref}）提出的信用修复申请作出决定。该申请仍待决定，已向{agency}' +
    '和登记平台运营方标注为逾期；您无需重新申请。',
  'relationship.filed':
    '{agency}登记您自{from, day}起为{organization}（{organization_id}）的{role}（文书：{ref}）。{organization}被列入名单、' +
    '且法律规定该名单的措施及于其{role}的，这些措施同样适用于您；因私消费以个人财产实施的，可以向执行法院申请准许' +
    '（法释〔2015〕17号第三条第二款）。登记有误的，请向{agency}申请更正。',
  'relationship.revoked':
    '{agency}撤销了您作为{organization}（{organization_id}）{role}的登记。理由：{reason}。' +
    '{organization}所受的措施不再因此适用于您。',
  'related.started':
    '因{organization}（{organization_id}）被列入{list}，且您登记为其{role}，法律规定及于其{role}的措施自即日起同样适用于您。' +
    '因私消费以个人财产实施的，可以向执行法院申请准许（法释〔2015〕17号第三条第二款）。',
  'related.ended': '您作为{organization}（{organization_id}）{role}、因其被列入{list}而适用的措施已不再适用。',
  how_to_dispute:
    '如认为记录有误，可在门户中提出异议（也可请运营人员代为提出），说明错误之处；提交机关须在期限内答复，' +
    '否则该记录在答复前不再计入。',
  how_to_dispute_corrected: '如更正后的记录仍有误，可在门户中提出异议（也可请运营人员代为提出）。',
  exit_route: '如何移出该名单：{exit}',
};
