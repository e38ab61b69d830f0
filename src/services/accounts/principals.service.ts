/**
 * Principals and their API keys. A key is shown once, at creation; only its SHA-256 is kept
 * (keys are 256 random bits, so a fast hash is as strong as a slow one here).
 */

import { agencyContactProblems, type AgencyContact } from '../../domain/agency-contact.ts';
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { sha256Hex } from '../../domain/canonical.ts';
import { normalizeIdentifier, validateIdentifier } from '../../domain/identifiers.ts';
import type { Policy } from '../../domain/policy.ts';
import { ROLES, type Principal, type Role } from '../../domain/principal.ts';
import { CredenceError, type ProblemDetail } from '../../errors.ts';
import {
  getActivePrincipalByKeyHash,
  getAgency,
  getPrincipalById,
  insertPrincipal,
  listPrincipals as selectAllPrincipals,
  setPrincipalRevoked,
} from '../../store/principals.repository.ts';
import type { DB } from '../../store/schema.ts';
import { type ServiceContext, writeTransaction } from '../context.ts';
import { ensureAgencyIn } from './agencies.service.ts';
import { appendEvents, type NewEvent } from '../ledger/ledger.service.ts';

export interface NewPrincipal {
  readonly role: string;
  readonly name: string;
  readonly agency_kind?: string;
  readonly agency_id?: string;
  readonly actions?: readonly string[];
  readonly purposes?: readonly string[];
  /** `scheme:id`, for the subject role. */
  readonly subject?: string;
  /** How to reach the agency an agency key registers (issue 11); ignored when the agency exists already. */
  readonly agency_contact?: AgencyContact;
}

export function hashKey(key: string): string {
  return sha256Hex(key);
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'agency'
  );
}

function checkScope(policy: Policy, input: NewPrincipal): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const add = (path: string, message: string, code: ProblemDetail['code'] = 'CRD_VALIDATION') =>
    problems.push({ code, path, message });
  if (!ROLES.includes(input.role as Role)) add('role', `role must be one of ${ROLES.join(', ')}`);
  if (input.name.trim() === '') add('name', 'name is required');
  if (input.role === 'agency' && input.agency_kind === undefined && input.agency_id === undefined)
    add('agency_kind', 'an agency principal needs --agency-kind KIND or --agency ID');
  if (input.agency_kind !== undefined && !policy.agency_kinds.has(input.agency_kind)) {
    add(
      'agency_kind',
      `unknown agency kind "${input.agency_kind}" (known: ${[...policy.agency_kinds.keys()].join(', ')})`,
      'CRD_UNKNOWN_AGENCY_KIND',
    );
  }
  // Issue 11: how to reach the agency is read by people in both languages, so both are needed.
  if (input.agency_contact !== undefined)
    problems.push(...agencyContactProblems(input.agency_contact, 'agency_contact'));
  if (input.role === 'relying') {
    if ((input.actions ?? []).length === 0) add('actions', 'a relying principal needs at least one action');
    if ((input.purposes ?? []).length === 0) add('purposes', 'a relying principal needs at least one purpose');
  }
  for (const action of input.actions ?? [])
    if (!policy.actions.has(action)) add('actions', `unknown action "${action}"`, 'CRD_UNKNOWN_ACTION');
  for (const purpose of input.purposes ?? [])
    if (!policy.purposes.has(purpose))
      add(
        'purposes',
        `unknown purpose "${purpose}" (known: ${[...policy.purposes.keys()].join(', ')})`,
        'CRD_UNKNOWN_PURPOSE',
      );
  if (input.role === 'subject' && input.subject === undefined)
    add('subject', 'a subject principal needs --subject scheme:id');
  return problems;
}

function parseSubject(policy: Policy, text: string): { scheme: string; id: string } {
  const at = text.indexOf(':');
  const scheme = policy.identifier_schemes.get(text.slice(0, at));
  if (at < 0 || scheme === undefined)
    throw new CredenceError(
      'CRD_UNKNOWN_SCHEME',
      `subject must be scheme:id with a known scheme (${[...policy.identifier_schemes.keys()].join(', ')})`,
      [{ code: 'CRD_UNKNOWN_SCHEME', path: 'subject', message: 'unknown scheme' }],
    );
  const id = normalizeIdentifier(scheme, text.slice(at + 1));
  const problems = validateIdentifier(scheme, id, 'subject');
  if (problems.length > 0) throw new CredenceError('CRD_INVALID_IDENTIFIER', problems[0]!.message, problems);
  return { scheme: scheme.id, id };
}

async function resolveAgency(trx: Transaction<DB>, input: NewPrincipal, now: Date): Promise<string | null> {
  if (input.role !== 'agency') return null;
  if (input.agency_id !== undefined) {
    const agency = await getAgency(trx, input.agency_id);
    if (agency !== undefined) return agency.id;
    if (input.agency_kind === undefined)
      throw new CredenceError(
        'CRD_AGENCY_NOT_FOUND',
        `no agency "${input.agency_id}"; give --agency-kind to create it`,
      );
  }
  return (
    await ensureAgencyIn(
      trx,
      {
        id: input.agency_id ?? slug(input.name),
        kind: input.agency_kind!,
        name: input.name,
        ...(input.agency_contact === undefined ? {} : { contact: input.agency_contact }),
      },
      now,
    )
  ).agency_id;
}

/** The `principal.created` event: who was given a key and with what scope (never the key or its hash). */
function principalCreated(
  id: string,
  input: NewPrincipal,
  agencyId: string | null,
  subject: { scheme: string; id: string } | null,
): NewEvent {
  return {
    type: 'principal.created',
    subject_id: null,
    payload: {
      principal: {
        id,
        name: input.name,
        role: input.role,
        agency_id: agencyId,
        actions: input.actions ?? [],
        purposes: input.purposes ?? [],
        subject,
      },
    },
  };
}

const KEY_PREFIX = 'crd_';
const KEY_BYTES = 32;
/** Every key createPrincipal makes: the prefix, then 32 random bytes in unpadded base64url (43 characters). */
const KEY_FORMAT = new RegExp(`^${KEY_PREFIX}[A-Za-z0-9_-]{${Math.ceil((KEY_BYTES * 4) / 3)}}$`);

/** Whether `key` could be a Credence key at all: anything else is refused without a database lookup. */
export function isWellFormedKey(key: string): boolean {
  return KEY_FORMAT.test(key);
}

/** Creates a principal and returns it with its key, which is never shown again. */
export async function createPrincipal(
  ctx: ServiceContext,
  input: NewPrincipal,
): Promise<{ principal: Principal; key: string }> {
  const { policy } = ctx;
  const problems = checkScope(policy, input);
  if (problems.length > 0)
    throw new CredenceError(problems[0]!.code, problems.map((p) => p.message).join('; '), problems);
  const subject = input.subject === undefined ? null : parseSubject(policy, input.subject);
  const id = `p_${randomBytes(8).toString('hex')}`;
  const key = `${KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
  const now = ctx.clock();
  await writeTransaction(ctx, async (trx) => {
    const agencyId = await resolveAgency(trx, input, now);
    await insertPrincipal(trx, {
      id,
      name: input.name.trim(),
      role: input.role as Role,
      agency_id: agencyId,
      actions: [...(input.actions ?? [])],
      purposes: [...(input.purposes ?? [])],
      subject_scheme: subject?.scheme ?? null,
      subject_value: subject?.id ?? null,
      key_hash: hashKey(key),
      key_prefix: key.slice(0, 10),
      created_at: now,
      revoked_at: null,
    });
    await appendEvents(trx, now, [principalCreated(id, input, agencyId, subject)]);
  });
  return { principal: (await getPrincipalById(ctx.db, id))!, key };
}

/** Revokes a principal's key at once; revoking twice changes nothing. Throws CRD_PRINCIPAL_NOT_FOUND. */
export async function revokePrincipal(ctx: ServiceContext, id: string): Promise<Principal> {
  const now = ctx.clock();
  await writeTransaction(ctx, async (trx) => {
    if ((await getPrincipalById(trx, id)) === undefined)
      throw new CredenceError('CRD_PRINCIPAL_NOT_FOUND', `no principal "${id}"`);
    if (await setPrincipalRevoked(trx, id, now))
      await appendEvents(trx, now, [{ type: 'principal.revoked', subject_id: null, payload: { principal_id: id } }]);
  });
  return (await getPrincipalById(ctx.db, id))!;
}

/** Every principal, oldest first (never their keys or key hashes). */
export async function listPrincipals(ctx: ServiceContext): Promise<Principal[]> {
  return selectAllPrincipals(ctx.db);
}

/** The active principal holding `key`, or undefined; a key that is not well formed is not looked up. */
export async function authenticateKey(ctx: ServiceContext, key: string): Promise<Principal | undefined> {
  if (!isWellFormedKey(key)) return undefined;
  return getActivePrincipalByKeyHash(ctx.db, hashKey(key));
}
