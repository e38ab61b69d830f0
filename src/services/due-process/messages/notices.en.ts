/**
 * The English notice catalogue: one ICU MessageFormat template per notice kind (issue 11, "Messages as data"),
 * filled in when a notice is read. Dates go through `{name, day}` (Intl, in CREDENCE_TIME_ZONE); counts through
 * `plural`. Agencies, record types and lists arrive as names in this language, never as ids.
 */

import type { NoticeMessages } from './notice-keys.ts';

export const NOTICES_EN: NoticeMessages = {
  'record.filed':
    '{agency} filed a record “{type}” ({ref}) about you, decided {decided, day}.' +
    '{list_count, plural, =0 {} other { It places you on: {lists}.}}',
  open_ended:
    ' It has no fixed term: it counts until {agency} ends it (for example on performance), and at the latest ' +
    'until {open_until, day}, the registry’s maximum of {max} from the decision; to keep you listed after that, ' +
    '{agency} must file a new decision renewing the listing.',
  'record.corrected':
    '{agency} corrected the record “{type}” ({ref}); it is now version {version}. Reason: {reason}. ' +
    '{status, select, active {It counts from now on as corrected.} disputed {It keeps counting while disputed.} ' +
    'other {It does not count.}}',
  'record.revoked':
    '{agency} revoked the record “{type}” ({ref}). Reason: {reason}. It no longer counts towards your score, ' +
    'lists or measures, and stays in your history marked revoked.',
  'record.expired':
    'The record “{type}” ({ref}) filed by {agency} reached the end of its period on {ended, day}. It no longer ' +
    'counts towards your score, lists or measures, and stays in your history marked expired.',
  'record.repaired':
    '{agency} approved your credit repair of the record “{type}” ({ref}). Reason: {reason}. It no longer counts ' +
    'towards your score or lists and is no longer published; it stays in your history marked repaired.',
  'list.pending':
    'You will be placed on {list} on {from, day}, unless {count, plural, one {the record it rests on is} ' +
    'other {the # records it rests on are}} corrected, revoked or successfully disputed before then.',
  'list.started':
    'You are on {list} from {from, day} until {until, day} at the latest, resting on ' +
    '{count, plural, one {# record} other {# records}}.',
  'list.ended': 'You are no longer on {list}; its measures no longer apply.',
  'record.noted':
    'The registry’s operator added a note to the record “{type}” ({ref}) filed by {agency}: “{note}”. ' +
    'It is shown with the record, as the operator’s, beside any statement of yours; it changes nothing that counts.',
  'commitment.filed':
    'The registry’s operator filed a public credit commitment in your name{scoped, select, yes { for the record ' +
    '“{type}”} other {}}, from your written commitment ({ref}). It is public with your file, a credit repair ' +
    'application may rest on it, and breaking it may itself be filed as a record. You can read it in your file; ' +
    'if you made no such commitment, tell the registry’s operator at once.',
  policy_changed:
    ' This change follows from the registry’s rules, policy version {policy_version}, in force from ' +
    '{policy_activated, day}: your records are unchanged.',
  'dispute.opened':
    'Your dispute of the record “{type}” ({ref}) filed by {agency} is open. {agency} must answer by {due, day}, ' +
    'or the record stops counting until it does. {status, select, disputed {It keeps counting meanwhile: it is ' +
    'a decision of a competent authority, in force while contested.} other {It does not count meanwhile.}}',
  'dispute.resolved':
    'Your dispute of the record “{type}” ({ref}) is resolved: {agency} {outcome, select, ' +
    'upheld {upheld the record as it stands. You may attach a statement, shown with the record in every report.} ' +
    'corrected {corrected the record. The corrected version counts from now on.} ' +
    'other {revoked the record. It no longer counts and stays in your history marked revoked.}} Reason: {reason}.',
  'dispute.overdue':
    '{agency} did not answer your dispute of the record “{type}” ({ref}) by {due, day}. The record no longer ' +
    'counts towards your score, lists or measures until the dispute is resolved.',
  'repair.refused':
    '{agency} refused your credit repair application for the record “{type}” ({ref}). Reason: {reason}. ' +
    'You may apply again with new evidence.',
  'repair.overdue':
    '{agency} did not decide your credit repair application for the record “{type}” ({ref}) by {due, day}, as it ' +
    'had to. The application stays pending, marked overdue to {agency} and to the registry’s operator; you need ' +
    'not apply again.',
  'relationship.filed':
    '{agency} registered you as the {role} of {organization} ({organization_id}) from {from, day} (document {ref}). ' +
    'While {organization} is on a list whose measures the law extends to its {role}, those measures apply to you ' +
    'as well; the enforcing court may permit spending for personal purposes from your own funds (Fa Shi [2015] 17 ' +
    'art. 3 para. 2). If the registration is wrong, ask {agency} to correct it.',
  'relationship.revoked':
    '{agency} revoked the registration of you as the {role} of {organization} ({organization_id}). Reason: ' +
    '{reason}. Measures on {organization} no longer apply to you through it.',
  'related.started':
    'Because {organization} ({organization_id}) is on {list} and you are registered as its {role}, the measures ' +
    'the law extends to its {role} apply to you from now on, while both hold. The enforcing court may permit ' +
    'spending for personal purposes from your own funds (Fa Shi [2015] 17 art. 3 para. 2).',
  'related.ended':
    'The measures that applied to you as the {role} of {organization} ({organization_id}) through its listing on ' +
    '{list} no longer apply.',
  how_to_dispute:
    'If it is wrong, dispute it in the portal (or ask an operator to do it for you), stating what is wrong; ' +
    'the filing agency must answer by the deadline, or the record stops counting until it does.',
  how_to_dispute_corrected:
    'If the corrected record is still wrong, dispute it in the portal (or ask an operator to do it for you).',
  // Issue 10: each listing notice says how to get off the list: what to do, by when, which agency, how to appeal.
  exit_route: ' How to get off this list: {exit}',
};
