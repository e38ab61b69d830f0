/**
 * A whole registry per test file, on a fresh database: migrated, the default policy active,
 * the decision index warm, and the HTTP app ready for `app.inject()`. The clock is settable.
 */

import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRegistry, type Registry } from '../../src/services/bootstrap.ts';
import { createPrincipal, type NewPrincipal } from '../../src/services/principals.service.ts';
import { createTestDatabase } from './database.ts';

export interface TestRegistry {
  readonly registry: Registry;
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly databaseUrl: string;
  /** The registry's clock: tests move it, nothing sleeps. */
  now: Date;
  keyFor(input: NewPrincipal): Promise<string>;
  close(): Promise<void>;
}

export async function startTestRegistry(start = new Date('2026-11-01T00:00:00Z')): Promise<TestRegistry> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const state = { now: start };
  const registry = await openRegistry(config, { applicationName: 'credence-test', warmIndex: true, clock: () => state.now });
  const app = await buildApp({ rt: registry.rt, follower: registry.follower });
  return {
    registry, app, config, databaseUrl: database.url,
    get now() { return state.now; },
    set now(value: Date) { state.now = value; },
    keyFor: async (input) => (await createPrincipal(registry.rt.db, registry.rt.policy, input, state.now)).key,
    close: async () => {
      await app.close();
      await registry.close();
      await database.drop();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
