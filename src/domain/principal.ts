/** Who is calling: a principal with a role and a scope. */

export type Role = 'operator' | 'agency' | 'relying' | 'auditor' | 'subject';
export const ROLES: readonly Role[] = ['operator', 'agency', 'relying', 'auditor', 'subject'];

export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** For `agency`: the agency it files for, and that agency's kind. */
  readonly agency_id: string | null;
  readonly agency_kind: string | null;
  /** For `relying`: the actions and purposes it may ask about. */
  readonly actions: readonly string[];
  readonly purposes: readonly string[];
  /** For `subject`: the one identifier whose file it may see. */
  readonly subject: { readonly scheme: string; readonly id: string } | null;
  readonly created_at: Date;
  readonly revoked_at: Date | null;
}

/** The principal id the portal acts under: the signed-in subject themself (inquiries show it so). */
export const PORTAL_PRINCIPAL_ID = 'portal:self';
