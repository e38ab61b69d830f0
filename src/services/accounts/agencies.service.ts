/**
 * Agencies: registered on first use (with an `agency.registered` ledger event), by an
 * operator creating an agency key or by an import for an agency kind.
 */

import type { Transaction } from 'kysely';
import type { AgencyContact } from '../../domain/agency-contact.ts';
import type { Policy } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';
import { getAgency, insertAgency } from '../../store/principals.repository.ts';
import type { DB } from '../../store/schema.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import type { Filer } from '../records/intake.service.ts';
import { appendEvents } from '../ledger/ledger.service.ts';

export interface AgencySpec {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  /** How to reach the agency, shown with the exit route of the lists its records put people on (issue 11). */
  readonly contact?: AgencyContact;
}

/**
 * Registers the agency unless it exists, in the caller's transaction; refuses an existing
 * agency of another kind.
 */
export async function ensureAgencyIn(trx: Transaction<DB>, agency: AgencySpec, now: Date): Promise<Filer> {
  const row = { ...agency, created_at: now };
  if (await insertAgency(trx, row))
    await appendEvents(trx, now, [{ type: 'agency.registered', subject_id: null, payload: { agency: row } }]);
  const stored = await getAgency(trx, agency.id);
  if (stored!.kind !== agency.kind)
    throw new CredenceError(
      'CRD_VALIDATION',
      `agency "${agency.id}" exists with kind ${stored!.kind}, not ${agency.kind}`,
    );
  return { agency_id: stored!.id, agency_kind: stored!.kind };
}

/** `ensureAgencyIn` in a transaction of its own, as of `ctx.clock()`. */
export async function ensureAgency(ctx: ServiceContext, agency: AgencySpec): Promise<Filer> {
  const now = ctx.clock();
  return writeTransaction(ctx, (trx) => ensureAgencyIn(trx, agency, now));
}

/** Checks an agency kind against the policy; throws CRD_UNKNOWN_AGENCY_KIND. */
function agencyKindName(policy: Policy, kind: string): string {
  const found = policy.agency_kinds.get(kind);
  if (found === undefined) {
    throw new CredenceError(
      'CRD_UNKNOWN_AGENCY_KIND',
      `unknown agency kind "${kind}" (known: ${[...policy.agency_kinds.keys()].join(', ')})`,
    );
  }
  return found.name.en;
}

/**
 * The filer for an import: `agencyId` must exist (CRD_AGENCY_NOT_FOUND); `agencyKind` uses
 * the agency whose id is the kind, registering it if missing.
 */
export async function resolveImportAgency(
  ctx: ServiceContext,
  target: { agencyId?: string; agencyKind?: string },
): Promise<Filer> {
  if (target.agencyId !== undefined) {
    const agency = await getAgency(ctx.db, target.agencyId);
    if (agency === undefined)
      throw new CredenceError(
        'CRD_AGENCY_NOT_FOUND',
        `no agency "${target.agencyId}"; use --agency-kind KIND to file as the agency of that kind`,
      );
    return { agency_id: agency.id, agency_kind: agency.kind };
  }
  if (target.agencyKind === undefined) throw new CredenceError('CRD_USAGE', 'give --agency ID or --agency-kind KIND');
  const kind = target.agencyKind;
  return ensureAgency(ctx, { id: kind, kind, name: agencyKindName(ctx.policy, kind) });
}
