/**
 * Agencies: registered on first use (with an `agency.registered` ledger event), by an
 * operator creating an agency key or by an import for an agency kind. An operator may change
 * how to reach an agency later (an `agency.contact_changed` ledger event).
 */

import type { Transaction } from 'kysely';
import { agencyContactProblems, type AgencyContact } from '../../domain/agency-contact.ts';
import { canonicalJson } from '../../domain/canonical.ts';
import type { Policy } from '../../domain/policy.ts';
import { CredenceError } from '../../errors.ts';
import {
  getAgenciesWithContacts,
  getAgency,
  getAgencyForUpdate,
  getAgencyWithContact,
  insertAgency,
  updateAgencyContact,
} from '../../store/principals.repository.ts';
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

/** An agency as the API shows it after its contact changed. */
export interface AgencyView {
  readonly agency_id: string;
  readonly kind: string;
  readonly name: string;
  readonly contact: AgencyContact | null;
}

/** Every agency and how to reach it, by id: the operator console's list of agencies. */
export async function listAgencies(ctx: ServiceContext): Promise<AgencyView[]> {
  const rows = await getAgenciesWithContacts(ctx.db);
  return rows.map((a) => ({ agency_id: a.id, kind: a.kind, name: a.name, contact: a.contact }));
}

/** One agency and how to reach it; throws CRD_AGENCY_NOT_FOUND. */
export async function readAgency(ctx: ServiceContext, agencyId: string): Promise<AgencyView> {
  const agency = await getAgencyWithContact(ctx.db, agencyId);
  if (agency === undefined) throw new CredenceError('CRD_AGENCY_NOT_FOUND', `no agency "${agencyId}"`);
  return { agency_id: agency.id, kind: agency.kind, name: agency.name, contact: agency.contact };
}

/**
 * PUT /v1/agencies/{id}/contact, `credence agency contact` and the operator console's agency page: replaces how to
 * reach the agency (issue 11), or removes it (null), audited as an `agency.contact_changed` ledger event as its
 * registration was. Setting what is there already changes nothing and appends nothing. Refuses an invalid contact
 * (CRD_VALIDATION, every problem at once) and an unknown agency (CRD_AGENCY_NOT_FOUND).
 */
export async function setAgencyContact(
  ctx: ServiceContext,
  agencyId: string,
  contact: AgencyContact | null,
): Promise<AgencyView> {
  const problems = contact === null ? [] : agencyContactProblems(contact, 'contact');
  if (problems.length > 0)
    throw new CredenceError('CRD_VALIDATION', problems.map((p) => p.message).join('; '), problems);
  const now = ctx.clock();
  return writeTransaction(ctx, async (trx) => {
    const agency = await getAgencyForUpdate(trx, agencyId);
    if (agency === undefined) throw new CredenceError('CRD_AGENCY_NOT_FOUND', `no agency "${agencyId}"`);
    const view = { agency_id: agency.id, kind: agency.kind, name: agency.name, contact };
    if (canonicalJson(agency.contact) === canonicalJson(contact)) return view;
    await updateAgencyContact(trx, agency.id, contact);
    const payload = { agency_id: agency.id, contact };
    await appendEvents(trx, now, [{ type: 'agency.contact_changed', subject_id: null, payload }]);
    return view;
  });
}
