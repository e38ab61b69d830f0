/** English messages of the error pages, the public pages' pagination and search counts, and the operator console. */
export const PAGES_EN = {
  error_next_heading: 'What you can do',
  error_home_link: 'Go to the search of the public register',
  error_403_title: 'Not allowed',
  error_403_text: 'Your account may not open this page. Sign in with an account that may, or go back.',
  error_404_title: 'Page not found',
  error_404_text: 'There is no page at this address. Check the address, or start again from the search.',
  error_429_title: 'Too many requests',
  error_429_text: 'Too many requests came from your network address. Wait {seconds} seconds, then try again.',
  effect_allow: 'Allowed',
  effect_deny: 'Refused',
  effect_restrict: 'Restricted',
  effect_review: 'Checked by a person first',
  effect_expedite: 'Fast-tracked',
  effect_waive: 'Waived',
  op_role_label_operator: 'Operator',
  op_role_label_agency: 'Agency',
  op_role_label_relying: 'Relying service',
  op_role_label_auditor: 'Auditor',
  op_role_label_subject: 'Subject',
  op_key_copy_hint: 'Select the key and copy it (Ctrl+C, or ⌘+C on a Mac); it is shown only on this page.',
  op_delivery_stalled_heading: 'Notices are not being delivered',
  op_delivery_stalled_text:
    '{pending} notices are waiting and none has been delivered: subjects are not being told. ' +
    'Check the notice webhook (CREDENCE_NOTICE_WEBHOOK) and the delivery errors.',
  page_of: 'Page {page} of {pages}',
  list_total: '{total} people and organisations on this list.',
  list_total_capped: 'More than {total} people and organisations on this list; search by name or identifier.',
  search_total: '{total} found.',
  search_total_capped: 'More than {total} found: add to the name, or search by identifier.',
  search_invalid_identifier:
    'This is not a valid {scheme}: {problem}. Check it and search again (nothing was searched for).',
} as const;
