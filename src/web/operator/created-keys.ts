/**
 * Post/redirect/get for a new key (issue 11): the key is kept here, in this process's memory only, for a short
 * while under a random id that the redirect after POST carries; the console shows it once, to the operator who
 * created it, and forgets it. A reload of that page finds nothing, and never creates a second key.
 */

import { randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/principal.ts';

/** How long a new key waits for its page, in milliseconds: the redirect is followed at once. */
const KEEP_MS = 2 * 60 * 1000;
/** At most this many keys wait at once; the oldest goes first. */
const MAX_WAITING = 100;

export interface CreatedKey {
  readonly principal: Principal;
  readonly key: string;
}

export class CreatedKeys {
  readonly #waiting = new Map<string, { staff: string; created: CreatedKey; until: number }>();

  /** Keeps a new key for `staff` (the operator's username) and returns the id for the redirect URL. */
  put(staff: string, created: CreatedKey, now = Date.now()): string {
    for (const [id, entry] of this.#waiting) if (entry.until <= now) this.#waiting.delete(id);
    if (this.#waiting.size >= MAX_WAITING) this.#waiting.delete(this.#waiting.keys().next().value!);
    const id = randomBytes(16).toString('base64url');
    this.#waiting.set(id, { staff, created, until: now + KEEP_MS });
    return id;
  }

  /** The key kept under `id` for `staff`, once: it is forgotten as it is read. */
  take(staff: string, id: string | undefined, now = Date.now()): CreatedKey | undefined {
    if (id === undefined) return undefined;
    const entry = this.#waiting.get(id);
    if (entry === undefined || entry.staff !== staff) return undefined;
    this.#waiting.delete(id);
    return entry.until > now ? entry.created : undefined;
  }
}
