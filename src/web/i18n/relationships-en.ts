/**
 * English texts about related persons (Fa Shi [2015] 17 art. 3 para. 2; Fa Shi [2017] 7 art. 6): the portal's
 * registered roles, on both sides, and the public register's persons named beside an organisation debtor.
 */
export const RELATIONSHIPS_EN = {
  portal_relationships_heading: 'Registered roles in organisations',
  portal_relationships_note:
    'The market-registration authority registered these roles. While an organisation is on a list whose measures ' +
    'the law extends to a role, those measures apply to the person in that role too; the enforcing court may ' +
    'permit spending for personal purposes from personal funds (Fa Shi [2015] 17 art. 3 para. 2). If a role is ' +
    'wrong, ask the authority that registered it to correct it.',
  portal_relationship_role: '{person}: {role} of {organization} ({organization_id})',
  portal_relationship_from: 'From {from}',
  portal_relationship_from_until: 'From {from} to {until}',
  portal_relationship_revoked: 'Revoked on {day}: {reason}',
  public_related_person: '{role}: {name}',
} as const;
