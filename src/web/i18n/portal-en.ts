/** English messages of the subject portal (/portal), spread into `en`. */
export const PORTAL_EN = {
  nav_portal: 'My file',
  portal_title: 'My credit file',
  portal_sign_in_title: 'Sign in to see your credit file',
  portal_sign_in_intro:
    'Your file shows every record filed about you, the lists you are on and what they mean for you, every notice ' +
    'sent to you, and everyone who checked you. You can dispute a record and apply for credit repair.',
  portal_sign_in_oidc: 'Sign in with your identity provider',
  portal_sign_in_oidc_hint: 'You sign in at {issuer}; Credence never sees your password.',
  portal_sign_in_unavailable:
    'Subject sign-in is not set up on this server. Ask the registry’s operator how to see your file.',
  portal_demo_heading: 'Demo sign-in',
  portal_demo_warning_heading: 'No proof of identity',
  portal_demo_warning:
    'This server runs in demo mode: anyone can open any file by typing an identifier, with no proof of identity. ' +
    'Never use demo mode with real people’s data.',
  portal_demo_scheme: 'Identifier scheme',
  portal_demo_id: 'Identifier',
  portal_demo_submit: 'Open this file',
  portal_demo_banner: 'Demo mode: you signed in without proof of identity.',
  portal_signed_in_as: 'Signed in as {identifier}.',
  portal_sign_out: 'Sign out',
  portal_sections: 'Sections of my file',
  portal_score_heading: 'Score and grade',
  portal_gauge_label: 'Score {score} on a scale from {min} to {max}: grade {grade}',
  portal_score_text:
    'Your score is {score}, grade {grade}. ' +
    'Everyone starts at {base} points; each record below adds or removes points while it counts.',
  portal_unknown:
    'Credence holds no record about you, so you are treated like anyone unknown to the register: ' +
    'score {score}, grade {grade}.',
  portal_factors_heading: 'What moves your score most',
  portal_factor: '{type}, filed by {agency}: {points} points (legal basis: {basis}).',
  portal_factors_none: 'No record moves your score.',
  portal_lists_heading: 'Lists you are on',
  portal_lists_none: 'You are on no list.',
  portal_list_pending:
    '{list}: you will be listed from {from} unless the record is disputed or corrected first; ' +
    'at the latest until {until}.',
  portal_list_active: '{list}: listed since {since}, at the latest until {until}.',
  portal_list_basis: 'Legal basis: {basis}.',
  portal_list_exit: 'How to leave this list: {exit}',
  portal_measures_heading: 'What this means for you',
  portal_measures_none: 'No measure applies to you: nothing is refused or restricted.',
  portal_effect_deny: 'Refused',
  portal_effect_restrict: 'Restricted',
  portal_effect_review: 'Checked by a person first',
  portal_effect_waive: 'Waived for you',
  portal_effect_expedite: 'Fast-tracked for you',
  portal_measure_because_list: 'because you are on the list “{list}”',
  portal_measure_because_grade: 'because of your grade {grade}',
  portal_measure_detail: '{because}. Legal basis: {basis}. {until}',
  portal_measure_until: 'Until {date} at the latest.',
  portal_measure_while: 'For as long as your grade holds.',
  portal_records_heading: 'Records about you',
  portal_records_none: 'No record has been filed about you.',
  portal_record_agency: 'Filed by',
  portal_record_legal_basis: 'Legal basis',
  portal_record_document: 'Decision',
  portal_record_decided: 'Decided',
  portal_record_counts_until: 'Counts until',
  portal_record_status: 'Status',
  portal_status_active: 'In force',
  portal_status_disputed: 'Disputed',
  portal_status_suspended: 'Suspended',
  portal_status_corrected: 'Corrected',
  portal_status_revoked: 'Revoked',
  portal_status_repaired: 'Repaired',
  portal_status_expired: 'Expired',
  portal_dispute_open: 'Your dispute is under way: the agency must answer by {due}.',
  portal_dispute_overdue: 'The agency did not answer your dispute by {due}: the record does not count until it does.',
  portal_repair_pending: 'You applied for repair on {date}; the agency has not decided yet.',
  portal_statement: 'Your statement, shown with this record: {text}',
  portal_operator_note:
    'Note by the registry’s operator, {date} (not your words; it changes nothing that counts): {text}',
  portal_dispute_summary: 'Dispute this record',
  portal_dispute_label: 'What is wrong with this record?',
  portal_dispute_hint: 'The agency must reinvestigate within {days} days and tell you the outcome.',
  portal_dispute_submit: 'Send dispute',
  portal_repair_summary: 'Apply for credit repair',
  portal_repair_evidence: 'What have you done to put it right?',
  portal_repair_document: 'Reference of a supporting document (optional)',
  portal_repair_performed: 'I have performed the obligation (paid, complied with the decision)',
  portal_repair_submit: 'Apply for repair',
  portal_notices_heading: 'Notices sent to you',
  portal_notices_none: 'No notice has been sent to you.',
  portal_notice_dispute_by: 'You may dispute it until {date}.',
  portal_inquiries_heading: 'Who checked me',
  portal_inquiries_count: 'The newest {shown} of {total} inquiries.',
  portal_inquiries_older: 'Older inquiries',
  portal_inquiries_page_title: 'Who checked me: older inquiries',
  portal_inquiries_none: 'Nobody has checked you yet.',
  portal_inquiries_retention: 'Inquiries are kept for {period}, then deleted ({basis}).',
  portal_col_when: 'When',
  portal_col_who: 'Who',
  portal_col_what: 'What they did',
  portal_col_outcome: 'Answer',
  portal_inquiry_decision: 'asked whether you may: {action} ({purpose})',
  portal_inquiry_report: 'read your whole file',
  portal_inquiry_record: 'read one of your records',
  portal_inquiry_self: 'you, in this portal',
  portal_download: 'Download my data (JSON)',
  portal_download_pdf: 'Download PDF',
  portal_print_hint:
    'To print your file, use your browser’s Print: the page prints without its menus and forms. The PDF has the same ' +
    'file, with the time it was made and the log checkpoint it was proven against.',
  portal_done_disputed: 'Your dispute was sent. The agency must answer by {due}.',
  portal_done_repair: 'Your repair application was sent to the agency.',
  portal_done: 'Done',
  portal_refused: 'Not done',
  portal_error_title: 'This request was refused',
  portal_error_code: 'Code',
  portal_back: 'Back to my file',
  portal_log_heading: 'Check your file against the public log',
  portal_log_intro:
    'Every event in your file is an entry in the public log of {origin}. The registry signs the log, and independent ' +
    'witnesses check and cosign it, so nobody can rewrite it unnoticed. Your browser can check that the events in ' +
    'your file are in that log: it trusts nothing from the registry but the bytes it checks.',
  portal_log_nojs:
    'This check runs in your browser and needs JavaScript. Without it, download your data and check it with ' +
    'the command credence verify-report FILE --log-key KEY, using the keys below.',
  portal_log_run: 'Check my file now',
  portal_log_file: 'Or check a file you downloaded earlier',
  portal_log_keys: 'The keys this check uses',
  portal_log_key: "The log's key (published at /log/key):",
  portal_log_witness_keys: 'Witnesses, of which {quorum} must have cosigned:',
  portal_log_no_witness_keys: "This registry names no witnesses: only the log's own signature is checked.",
  portal_log_checking: 'Checking…',
  portal_log_verified_heading: 'Verified against the public log',
  portal_log_verified:
    'All {entries} events in this file are in the public log {origin}, in its signed checkpoint of {size} entries, ' +
    'cosigned by: {witnesses}.',
  portal_log_no_witnesses: 'no witness',
  portal_log_pending: '{pending} newer events are not in a published checkpoint yet; check again in a little while.',
  portal_log_entry: 'Log entry {index}: {type}, {date}',
  portal_log_nothing_yet_heading: 'Nothing to check yet',
  portal_log_nothing_yet:
    'The public log has not published a checkpoint yet; the {pending} events about you can be checked once it does.',
  portal_log_failed_heading: 'This file did not verify against the public log',
  portal_log_failed_malformed: 'The file is not a credit file with a log section that can be read.',
  portal_log_failed_log_key: "The log's key shown on this page is not a valid key.",
  portal_log_failed_signature: "The checkpoint in this file is not signed by the log's key ({origin}).",
  portal_log_failed_witnesses:
    'The checkpoint in this file carries {count} valid witness cosignatures; it needs {quorum}.',
  portal_log_failed_entry:
    'Log entry {index} in this file is not in the signed log: its bytes are not the ones the log holds.',
  portal_log_failed_subject: 'The log entries in this file are not all about the same person or organisation.',
  portal_log_failed_key_changed:
    "The log's key is not the one this browser saw when you last checked: the log may have been replaced.",
  portal_log_failed_fork:
    'This browser saw a different log of the same size ({size} entries) before: the log has been rewritten.',
  portal_log_failed_shrank:
    'This browser saw the log with {seen} entries before; it now shows {size}: a log never shrinks.',
  portal_log_failed_advice:
    'Keep the file you downloaded: it is evidence. Report this to the body that oversees the registry.',
  portal_log_fetch_failed: 'Your file could not be read. Sign in again, or choose a file you downloaded.',
  portal_log_unavailable_heading: 'The check cannot run here',
  portal_log_no_crypto:
    'This browser cannot run the check on this connection (it needs a secure connection and WebCrypto). ' +
    'Download your data and check it with credence verify-report.',
} as const;
