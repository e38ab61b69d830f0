/**
 * What every agency console route shares: the signed-in clerk as the API's agency principal
 * (services scope and authorise by `agency_id`), the route options of pages and the form helpers.
 */

import type { FastifyRequest } from 'fastify';
import { CredenceError } from '../../errors.ts';
import { agencyPrincipalFor, type AgencyClerk } from '../../services/accounts/agency-clerks.service.ts';
import { requireStaff } from '../sign-in/require-staff.ts';
import type { SignedInStaff } from '../../services/accounts/staff-sessions.service.ts';
import type { FormValues } from '../form-fields.ts';
import type { AppDeps } from '../../shell/deps.ts';

export type Form = Record<string, string | undefined>;
export const page = { config: { public: true }, schema: { hide: true } } as const;
/** A form that checks its own text (`refuseTextIn`), so a refusal is shown inline on its fields. */
export const ownText = { config: { public: true, ownTextCheck: ['body'] }, schema: { hide: true } } as const;
export const uuidParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
} as const;
export const recordIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } },
} as const;
export const reason = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } as const;
export const csrf = { type: 'string', maxLength: 100 } as const;

export interface Clerk extends AgencyClerk {
  readonly staff: SignedInStaff;
}

/** The API's agency principal, for the clerk: services scope and authorise by `agency_id`. */
export async function clerkOf(request: FastifyRequest, deps: AppDeps): Promise<Clerk> {
  const staff = await requireStaff(request, ['agency']);
  return { staff, ...(await agencyPrincipalFor(deps.rt, staff)) };
}

/** The posted string fields, without the CSRF token. */
export function stringsOf(body: Form | undefined): FormValues {
  return Object.fromEntries(
    Object.entries(body ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'csrf'),
  );
}

/**
 * A refused form's problems with the service's path prefix (`records[0].`, `changes.`) removed, so they land on the
 * form's fields.
 */
export function formProblems(error: unknown, prefix: RegExp): CredenceError['details'] | undefined {
  if (!(error instanceof CredenceError) || error.details.length === 0 || error.status >= 500) return undefined;
  return error.details.map((p) => ({ ...p, path: p.path.replace(prefix, '') }));
}
