/**
 * English messages of "what it means for me" in the portal (issue 11): each list and record with what it refuses or
 * grants, from and until when, the agency and how to reach it, the way off the list and how to appeal; when repair
 * opens; the statement after an upheld dispute. Spread into `en`.
 */
export const MEANING_EN = {
  portal_list_status_pending: 'Notice given: not yet in force',
  portal_list_status_active: 'In force',
  meaning_list_pending:
    'You have been told that you will be placed on this list from {from} (until {until} at the latest). ' +
    'Nothing is refused yet.',
  meaning_list_active: 'On this list since {since}, until {until} at the latest.',
  meaning_will_refuse: 'From {from}, this list will mean for you:',
  meaning_refuses: 'What this list means for you:',
  meaning_no_measures: 'No measure is bound to this list: it refuses and grants nothing by itself.',
  meaning_effect_line: '{effect}: {actions}',
  meaning_agency: 'The listing rests on a record of: {agency}',
  meaning_contact: 'How to reach them: {contact}',
  meaning_contact_phone: 'Telephone: {phone}',
  meaning_contact_address: 'Address: {address}',
  meaning_exit_heading: 'How to get off this list',
  meaning_appeal:
    'If the record is wrong, dispute it with the record below ({record}): {agency} must answer within {days} days, ' +
    'and the record stops counting if they do not answer in time.',
  meaning_respond_by: 'To be heard before the listing takes effect, dispute the record before {from}.',
  meaning_record_lists: 'This record places you on: {lists}.',
  meaning_record_pending: 'This record will place you on: {lists}, from {from}.',
  meaning_conflict:
    'For “{action}” more than one measure applies: “{winner}” applies, not {others}. A refusal or restriction ' +
    'resting on a list always prevails over a reward (the strongest effect applies: refused, then restricted, ' +
    'reviewed by a person, fee waived, fast-tracked).',
  portal_own_views: 'Your own views of your file: {count} (counted here, not listed).',
  portal_repair_opens:
    'You can apply for credit repair from {date}: the minimum period from the decision has not passed yet.',
  portal_repair_on_performance:
    'You can apply for repair once you have performed the obligation (paid, or complied with the judgment): ' +
    'say so below and describe what you did.',
  portal_repair_open_now: 'You can apply for credit repair now.',
  portal_statement_summary: 'Add your statement to this record',
  portal_statement_replace: 'Replace your statement on this record',
  portal_statement_label: 'Your statement',
  portal_statement_hint:
    'The agency upheld the record after your dispute. Your statement is shown with the record in every report ' +
    'about you.',
  portal_statement_submit: 'Save statement',
  portal_done_statement: 'Your statement was saved: it is shown with the record.',
} as const;
