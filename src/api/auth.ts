/**
 * Bearer-key authentication and role checks. Every route declares the roles it admits in
 * `config.roles`; routes without it must say `config.public: true`. Keys are looked up by hash
 * and cached briefly; a revocation seen on the ledger evicts the cache at once.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../domain/principal.ts';
import { CredenceError } from '../errors.ts';
import type { KeyCache } from '../services/accounts/key-cache.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    roles?: readonly Role[];
    public?: boolean;
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
