/**
 * Bearer-key authentication and role checks. Every route declares the roles it admits in
 * `config.roles`; routes without it must say `config.public: true`. Keys are looked up by hash
 * and cached briefly; a revocation seen on the ledger evicts the cache at once.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Principal, Role } from '../domain/principal.ts';
import { CredenceError } from '../errors.ts';
import { hashKey } from '../services/accounts/principals.service.ts';
import { getActivePrincipalByKeyHash } from '../store/principals.repository.ts';
import type { DB } from '../store/schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    roles?: readonly Role[];
    public?: boolean;
  }
}

const CACHE_MS = 30_000;

export class KeyCache {
  private readonly entries = new Map<string, { principal: Principal; at: number }>();
  private readonly db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.db = db;
  }

  /** Keyed by the presented key itself, so a cache hit costs no hashing; only misses hash. */
  async principalFor(key: string): Promise<Principal | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.principal;
    const principal = await getActivePrincipalByKeyHash(this.db, hashKey(key));
    if (principal === undefined) this.entries.delete(key);
    else this.entries.set(key, { principal, at: Date.now() });
    return principal;
  }

  evictPrincipal(principalId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal.id === principalId) this.entries.delete(hash);
  }
}

/** The onRequest hook: authenticate, then check the route's roles. */
export function authenticate(cache: KeyCache) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.principal = null;
    const config = request.routeOptions.config;
    // Unknown routes answer 404 to everyone; the route list is public in /openapi.json anyway.
    if (config.public === true || request.is404) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null)
      throw new CredenceError('CRD_UNAUTHENTICATED', 'send an API key as "Authorization: Bearer KEY"');
    const principal = await cache.principalFor(match[1]!);
    if (principal === undefined)
      throw new CredenceError('CRD_UNAUTHENTICATED', 'the API key is not valid or has been revoked');
    const roles = config.roles ?? [];
    if (!roles.includes(principal.role))
      throw new CredenceError(
        'CRD_FORBIDDEN',
        `a ${principal.role} key may not call ${request.method} ${request.routeOptions.url ?? request.url}`,
      );
    request.principal = principal;
  };
}

/** The authenticated principal of a non-public route. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new CredenceError('CRD_UNAUTHENTICATED', 'not authenticated');
  return request.principal;
}
