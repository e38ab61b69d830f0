/** English messages. `{name}` placeholders are filled by `format()` (src/web/i18n/index.ts). */
import { AGENCY_EN } from './agency-en.ts';
import { AGENCY_CONTACTS_EN } from './agency-contacts-en.ts';
import { COMMITMENTS_EN } from './commitments-en.ts';
import { MEANING_EN } from './meaning-en.ts';
import { PAGES_EN } from './pages-en.ts';
import { PORTAL_EN } from './portal-en.ts';
import { RELATIONSHIPS_EN } from './relationships-en.ts';
import { SIMULATION_EN } from './simulation-en.ts';
import { STAFF_EN } from './staff-en.ts';

export const en = {
  ...PORTAL_EN,
  ...STAFF_EN,
  ...AGENCY_EN,
  ...PAGES_EN,
  ...COMMITMENTS_EN,
  ...RELATIONSHIPS_EN,
  ...MEANING_EN,
  ...SIMULATION_EN,
  ...AGENCY_CONTACTS_EN,
  site_name: 'Credence public credit register',
  skip_to_content: 'Skip to main content',
  nav_search: 'Search',
  nav_transparency: 'Transparency',
  nav_about: 'How it works',
  nav_lists: 'Public lists',
  language: 'Language',
  footer_text:
    'Credence publishes only what the law makes public, for as long as it allows. Personal identifiers are masked.',
  search_title: 'Search the public register',
  search_label: 'Name or identifier',
  search_hint: 'A person by their whole name or resident ID; an organisation by name or unified social credit code.',
  search_button: 'Search',
  search_results: 'Results for your search',
  search_none_heading: 'No public entries',
  search_none:
    'Nothing public was found. This does not mean the person or organisation has no records: only records the law ' +
    'makes public are shown here.',
  search_invalid: 'Enter {min} to {max} characters: a name or an identifier.',
  identifiers: 'Identifiers',
  on_lists: 'On lists',
  records: 'Public records',
  col_list: 'List',
  col_since: 'Since',
  col_until: 'Until',
  col_legal_basis: 'Legal basis',
  col_record: 'Record',
  col_agency: 'Agency',
  col_decided: 'Decided',
  col_document: 'Document',
  col_disclosed_until: 'Public until',
  col_name: 'Name',
  col_count: 'Count',
  under_dispute: 'Under dispute',
  kind_person: 'Person',
  kind_organization: 'Organisation',
  list_title: 'Public list: {name}',
  list_exit: 'How to leave this list',
  list_members: 'Members',
  list_empty: 'This list has no public entries.',
  list_not_found: 'There is no such list.',
  pagination: 'Pages',
  previous: 'Previous',
  next: 'Next',
  page_n: 'Page {n}',
  transparency_title: 'Transparency report',
  transparency_period: 'From {from} to {to} (policy {version}).',
  records_filed: 'Records filed',
  records_filed_total: '{n} records filed in the period.',
  col_type: 'Type',
  list_sizes: 'List sizes today',
  col_active: 'Active',
  col_pending: 'Pending',
  disputes: 'Disputes',
  disputes_opened: 'Opened',
  disputes_upheld: 'Upheld',
  disputes_corrected: 'Corrected',
  disputes_revoked: 'Revoked',
  disputes_median: 'Median days to resolve',
  repairs: 'Credit repair',
  repairs_approved: 'Approved',
  repairs_refused: 'Refused',
  decisions: 'Decisions made with the register',
  col_action: 'Action',
  col_outcome: 'Outcome',
  chart_of: 'Bar chart: {title}. The same figures are in the table below.',
  no_data: 'None in this period.',
  about_title: 'How the register works',
  about_intro:
    'Everything on this page is generated from the rules the register applies today: policy {id}, version {version}.',
  about_scores: 'Scores and grades',
  about_scores_text:
    'Everyone starts at {base} points. Each record adds or removes points while it counts; the score sets the grade.',
  col_grade: 'Grade',
  col_min_score: 'Lowest score',
  about_lists: 'Lists',
  about_lists_text:
    'A list is a legal consequence: you are placed on it only on the grounds below, for at most the time shown, ' +
    'and you are told {days} days before.',
  col_max_duration: 'At most',
  about_exit: 'Leaving a list',
  about_exit_text:
    'For each list: what to do to leave it, which agency decides and how to reach it, by when it must act, ' +
    'and how to appeal.',
  col_kind: 'Kind',
  kind_sanction: 'Sanction',
  kind_reward: 'Reward',
  about_measures: 'Measures',
  about_measures_text: 'What being on a list (or having a grade) means in practice.',
  col_effect: 'Effect',
  col_applies_to: 'Applies to',
  col_actions: 'Actions',
  about_records: 'Record types',
  col_counts_for: 'Counts for',
  col_dispute_days: 'Dispute answered within',
  until_ended: 'until the agency ends it',
  days_n: '{n} days',
  about_disputes: 'Disputing a record',
  about_disputes_text:
    'If a record about you is wrong, dispute it. The agency that filed it must reinvestigate within the time shown ' +
    'for its type; while it does, the record either keeps counting or is suspended, as the table says. If it is ' +
    'wrong, it is corrected or revoked and you are told.',
  while_keep: 'keeps counting while disputed',
  while_suspend: 'suspended while disputed',
  about_repair: 'Credit repair',
  about_repair_text: 'A negative record can be repaired once a minimum period has passed since the decision:',
  about_repair_performance: 'These record types can be repaired as soon as the obligation is performed: {types}.',
  about_repair_commitment:
    'An application needs a public credit commitment in your own words, made after the decision (in the portal).',
  about_repair_deadline:
    'The agency must decide an application within {days} working days; past that it is shown as overdue.',
  about_related: 'Related persons',
  about_related_text:
    'The market-registration authority files who holds a role in an organisation ({roles}). A role binds no ' +
    'one by itself: only these measures of a listed organisation also bind the persons in those roles, as the law ' +
    'cited says, and every decision names the organisation, the role and the law. A court may exempt spending ' +
    'for personal purposes from personal funds.',
  about_relied: 'Who is told when a record changes',
  about_relied_text:
    'When a record is corrected, revoked or repaired, every service that got a decision about you in the last ' +
    '{lookback} is told what changed for that decision.',
  about_amendments_retention:
    'What each service is told is kept for {retention}; after that it is deleted, unless it is still waiting to be ' +
    'delivered.',
  about_inquiries_text:
    'Every check of your file is kept for {retention}, and you can see each one in the portal ("who checked me").',
  tier_minor: 'Minor',
  tier_general: 'General',
  tier_serious: 'Serious',
  tier_positive: 'Positive',
  duration_years: '{n} years',
  duration_months: '{n} months',
  duration_days: '{n} days',
  error_title: 'Something went wrong',
  error_text: 'The page could not be shown. Please try again later.',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;
