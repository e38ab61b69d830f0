/**
 * API keys looked up by hash and cached briefly; a revocation seen on the ledger evicts the
 * cache at once (the server wires the follower's principal.revoked hook to evictPrincipal).
 * Refusals are cheap: a key that is not well formed is refused without a lookup, and a refused
 * well-formed key is remembered for a few seconds (a bounded, least-recently-used set), so a
 * client repeating a bad or revoked key costs one query, not one per request. A new principal
 * seen on the ledger forgets every refusal (principal.created hook to forgetRefused).
 */

import type { Principal } from '../../domain/principal.ts';
import type { ServiceContext } from '../context.ts';
import { authenticateKey, isWellFormedKey } from './principals.service.ts';

const CACHE_MS = 30_000;
/** How long a refusal is remembered, and how many at most (about 100 bytes each: ~1 MB). */
const REFUSED_MS = 10_000;
const REFUSED_MAX = 10_000;

/** The principal behind each presented key, for 30 seconds; each refused key, for 10. */
export class KeyCache {
  private readonly entries = new Map<string, { principal: Principal; at: number }>();
  /** Refused keys by when they were refused, least recently presented first. */
  private readonly refused = new Map<string, number>();
  private readonly ctx: ServiceContext;
  private databaseLookups = 0;

  constructor(ctx: ServiceContext) {
    this.ctx = ctx;
  }

  /** How many keys this cache has looked up in the database (for tests and metrics). */
  get lookups(): number {
    return this.databaseLookups;
  }

  /** Keyed by the presented key itself, so a cache hit costs no hashing; only misses hash. */
  async principalFor(key: string): Promise<Principal | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.principal;
    if (!isWellFormedKey(key) || this.wasRefused(key)) return undefined;
    this.databaseLookups += 1;
    const principal = await authenticateKey(this.ctx, key);
    if (principal === undefined) {
      this.entries.delete(key);
      this.remember(key);
    } else this.entries.set(key, { principal, at: Date.now() });
    return principal;
  }

  evictPrincipal(principalId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal.id === principalId) this.entries.delete(hash);
  }

  /** A principal was created: a key refused a moment ago may be its key now. */
  forgetRefused(): void {
    this.refused.clear();
  }

  private wasRefused(key: string): boolean {
    const at = this.refused.get(key);
    if (at === undefined) return false;
    this.refused.delete(key);
    if (Date.now() - at >= REFUSED_MS) return false;
    this.refused.set(key, at); // most recently presented last
    return true;
  }

  private remember(key: string): void {
    this.refused.set(key, Date.now());
    if (this.refused.size > REFUSED_MAX) this.refused.delete(this.refused.keys().next().value as string);
  }
}
