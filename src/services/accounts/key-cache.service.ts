/**
 * API keys looked up by hash and cached briefly; a revocation seen on the ledger evicts the
 * cache at once (the server wires the follower's principal.revoked hook to evictPrincipal).
 */

import type { Principal } from '../../domain/principal.ts';
import type { ServiceContext } from '../context.ts';
import { authenticateKey } from './principals.service.ts';

const CACHE_MS = 30_000;

/** The principal behind each presented key, for 30 seconds. */
export class KeyCache {
  private readonly entries = new Map<string, { principal: Principal; at: number }>();
  private readonly ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.ctx = ctx;
  }

  /** Keyed by the presented key itself, so a cache hit costs no hashing; only misses hash. */
  async principalFor(key: string): Promise<Principal | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.principal;
    const principal = await authenticateKey(this.ctx, key);
    if (principal === undefined) this.entries.delete(key);
    else this.entries.set(key, { principal, at: Date.now() });
    return principal;
  }

  evictPrincipal(principalId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal.id === principalId) this.entries.delete(hash);
  }
}
