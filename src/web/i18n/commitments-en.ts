/** The portal's credit commitment texts (NDRC Order No. 36 (2025)) and its repair deadlines, in English. */
export const COMMITMENTS_EN = {
  commitment_heading: 'Credit commitments',
  commitment_intro:
    'A credit commitment is your public promise to keep the law and meet your obligations. Credit repair needs one ' +
    '(NDRC Order No. 36 of 2025). It is public: it is shown with your public records, and breaking it is itself ' +
    'a negative record.',
  commitment_none: 'You have not made a credit commitment.',
  commitment_made_on: 'Made on {date}',
  commitment_for_record: 'for record {record}',
  commitment_for_conduct: 'for your conduct in general',
  commitment_label: 'Your commitment, in your own words',
  commitment_hint: 'At most {max} characters. It will be public.',
  commitment_submit: 'Make this commitment',
  commitment_done: 'Your credit commitment is recorded. It is public.',
  commitment_needed:
    'Before you apply for repair, make a public credit commitment for this record (NDRC Order No. 36 of 2025).',
  commitment_covered: 'Your credit commitment of {date} goes with this application.',
  commitment_general_summary: 'Make a credit commitment',
  agency_col_commitment: 'Credit commitment',
  repair_due: 'You applied for repair on {date}; the agency must decide by {due}.',
  repair_overdue: 'You applied for repair on {date}; the agency had to decide by {due} and has not yet.',
} as const;
