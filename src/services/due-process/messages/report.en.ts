/**
 * The PDF report's texts in English (ICU MessageFormat, as the notices'): the report.zh.ts catalogue has the same
 * keys. Names from the policy (lists, record types, actions) come from the policy in the reader's language.
 */
export const REPORT_EN = {
  title: 'Credit report',
  generated: 'Generated {at} for {subject}.',
  policy: 'Policy {version}, digest {digest}.',
  subject_heading: 'Subject',
  subject_name: 'Name: {name}',
  subject_identifiers: 'Identifiers: {identifiers}',
  subject_unknown: 'Credence holds no record about {identifier}.',
  score_heading: 'Score and grade',
  score_text:
    'Score {score}, grade {grade}. Everyone starts at {base} points; each record adds or removes points while it ' +
    'counts.',
  factors_heading: 'What moves the score most',
  factor: '{type}, filed by {agency}: {points} points (legal basis: {basis}).',
  factors_none: 'No record moves the score.',
  lists_heading: 'Lists',
  lists_none: 'On no list.',
  list_active: '{list}: listed since {since}, at the latest until {until}.',
  list_pending:
    '{list}: to be listed from {from} unless the record is disputed or corrected first; at the latest until {until}.',
  list_basis: 'Legal basis: {basis}.',
  list_exit: 'How to leave this list: {exit}',
  measures_heading: 'What it means',
  measures_none: 'No measure applies: nothing is refused or restricted.',
  measure: '{effect}: {actions}.',
  measure_because_list: 'Because of the list “{list}”.',
  measure_because_grade: 'Because of grade {grade}.',
  measure_basis: 'Legal basis: {basis}.',
  measure_until: 'At the latest until {date}.',
  measure_while: 'While the grade holds.',
  effect_allow: 'Allowed',
  effect_deny: 'Refused',
  effect_restrict: 'Restricted',
  effect_review: 'Reviewed by a person first',
  effect_expedite: 'Expedited',
  effect_waive: 'Waived',
  relationships_heading: 'Registered roles in organisations',
  relationships_note:
    'The market-registration authority registers these roles. While an organisation is on a list whose measures ' +
    'the law extends to a role, those measures bind the person in that role too (Fa Shi [2015] 17 art. 3 para. 2). ' +
    'A wrong role is corrected by the authority that registered it.',
  relationships_none_person: 'No role in an organisation is registered for this person.',
  relationships_none_organization: 'No person holds a registered role in this organisation.',
  relationship_role: '{person}: {role} of {organization} ({organization_id}).',
  relationship_from: 'From {from}.',
  relationship_from_until: 'From {from} to {until}.',
  relationship_registered: 'Registered by document {document} (legal basis: {basis}).',
  relationship_revoked: 'Revoked on {day}: {reason}',
  records_heading: 'Records ({count})',
  records_none: 'No record.',
  record_heading: '{type} ({status})',
  record_detail: 'Filed by {agency}. Legal basis: {basis}. Decision {document} of {decided}.',
  record_counts_until: 'Counts until {date}.',
  status_active: 'active',
  status_disputed: 'disputed',
  status_suspended: 'suspended',
  status_corrected: 'corrected',
  status_revoked: 'revoked',
  status_repaired: 'repaired',
  status_expired: 'expired',
  commitments_heading: 'Credit commitments',
  commitments_note:
    'A credit commitment is a public promise to keep the law and meet one’s obligations; credit repair needs one ' +
    '(NDRC Order No. 36 of 2025), and breaking it is itself a negative record.',
  commitments_none: 'No credit commitment has been made.',
  commitment_for_record: 'Made on {date}, for the record {type} (decision {document}).',
  commitment_for_conduct: 'Made on {date}, for conduct in general.',
  commitment_letter: 'Filed from the written commitment {document}.',
  inquiries_heading: 'Who checked',
  inquiries_count: '{shown, plural, one {The newest inquiry} other {The newest # inquiries}} of {total} in all.',
  inquiries_none: 'No one has checked yet.',
  inquiry_decision: 'asked whether the subject may: {action} ({purpose})',
  inquiry_report: 'read the whole file',
  inquiry_record: 'read one record',
  inquiry_self: 'the subject, in the portal',
  notices_heading: 'Notices',
  notices_count: '{count, plural, =0 {No notice was sent.} one {One notice was sent.} other {# notices were sent.}}',
  notices_latest: 'The latest:',
  log_heading: 'Verification',
  log_checkpoint:
    'Proved against the public log’s checkpoint: origin {origin}, tree size {size}, root hash {root}. ' +
    '{proved, plural, one {One event} other {# events}} about the subject {proved, plural, one {is} other {are}} ' +
    'proved in it.',
  log_pending:
    '{pending, plural, one {One newer event} other {# newer events}} will be proved once a later checkpoint is ' +
    'published.',
  log_none: 'The public log has not published a checkpoint yet, so nothing in this report can be proved against it.',
  log_verify:
    'To verify: download the file as JSON (the portal’s “Download my data”, or ' +
    'GET /v1/subjects/{scheme}/{id}/report) and run `credence verify-report FILE --log-key KEY`, ' +
    'with the log’s key as /log/key publishes it: {key}',
  page: 'Page {page} of {pages}',
} as const;
