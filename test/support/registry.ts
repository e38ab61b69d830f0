/**
 * A whole registry per test file, on a fresh database: migrated, the default policy active,
 * the decision index warm, and the HTTP app ready for `app.inject()`. The clock is settable.
 * Its data directory (the log's signing key) is a fresh temporary folder, removed on close.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { main } from '../../src/cli/main.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { buildApp, type AppOptions } from '../../src/app.ts';
import { openRegistry, type Registry } from '../../src/services/runtime/open-registry.ts';
import { createPrincipal, type NewPrincipal } from '../../src/services/accounts/principals.service.ts';
import { openLogSigner } from '../../src/services/ledger/log-key.service.ts';
import { createTestDatabase } from './database.ts';

export interface TestRegistry {
  readonly registry: Registry;
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly databaseUrl: string;
  /** The transparency log's verifier key, as the app serves it (created in the test's data directory). */
  readonly logKey: string;
  /** The registry's clock: tests move it, nothing sleeps. */
  now: Date;
  keyFor(input: NewPrincipal): Promise<string>;
  /** Files one record with an agency key over HTTP; asserts it was accepted; returns its id. */
  file(key: string, record: Record<string, unknown>): Promise<string>;
  /** Runs the CLI in-process against this registry's database, capturing its output. */
  cli(...argv: string[]): Promise<CliResult>;
  /** `cli` with these variables set (undefined: unset) over the registry's own for the run. */
  cliWith(env: Record<string, string | undefined>, ...argv: string[]): Promise<CliResult>;
  /** Every projection table's rows, for comparing before and after a ledger replay. */
  snapshot(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The tables `ledger replay` rebuilds. */
export const PROJECTION_TABLES = [
  'subjects',
  'subject_identifiers',
  'subject_names',
  'records',
  'subject_state',
  'list_entries',
  'record_versions',
  'disputes',
  'repairs',
  'commitments',
  'record_notes',
  'relationships',
] as const;

/**
 * `appOptions` adds options to the HTTP app (e.g. the portal's sign-in settings); `env` adds configuration
 * variables (e.g. CREDENCE_LOG_WITNESSES).
 */
export async function startTestRegistry(
  start = new Date('2026-11-01T00:00:00Z'),
  appOptions: Partial<Pick<AppOptions, 'subjectSignIn' | 'policyCandidateDir'>> = {},
  env: Record<string, string> = {},
): Promise<TestRegistry> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'credence-test-'));
  const config = loadConfig({ ...env, DATABASE_URL: database.url, LOG_LEVEL: 'silent', CREDENCE_DATA_DIR: dataDir });
  // The CLI reads the environment: it is given the registry's own database, data directory and log origin.
  const cliEnv = {
    ...env,
    DATABASE_URL: database.url,
    CREDENCE_DATA_DIR: dataDir,
    CREDENCE_LOG_ORIGIN: config.logOrigin,
  };
  const state = { now: start };
  const registry = await openRegistry(config, {
    applicationName: 'credence-test',
    warmIndex: true,
    clock: () => state.now,
  });
  const logKey = (await openLogSigner(config)).verifierKey;
  const app = await buildApp({ rt: registry.rt, follower: registry.follower, logKey, ...appOptions });
  return {
    registry,
    app,
    config,
    databaseUrl: database.url,
    logKey,
    get now() {
      return state.now;
    },
    set now(value: Date) {
      state.now = value;
    },
    keyFor: async (input) => (await createPrincipal(registry.rt, input)).key,
    file: async (key, record) => {
      const body = (
        await app.inject({ method: 'POST', url: '/v1/records', headers: bearer(key), payload: { records: [record] } })
      ).json();
      assert.equal(body.accepted?.length, 1, JSON.stringify(body.rejected ?? body));
      return body.accepted[0].record_id as string;
    },
    cli: (...argv) => runCli(cliEnv, argv),
    cliWith: (overrides, ...argv) => runCli({ ...cliEnv, ...overrides }, argv),
    snapshot: async () => {
      const result: Record<string, unknown[]> = {};
      for (const table of PROJECTION_TABLES) {
        result[table] = (
          await sql<{ row: unknown }>`select to_jsonb(t) as row from ${sql.table(table)} t order by 1`.execute(
            registry.rt.db,
          )
        ).rows.map((r) => r.row);
      }
      return result;
    },
    close: async () => {
      await app.close();
      await registry.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function runCli(env: Record<string, string | undefined>, argv: readonly string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const sink = (append: (chunk: string) => void) =>
    ({
      write: (chunk: string) => {
        append(chunk);
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  setEnv(env);
  try {
    const code = await main(argv, {
      stdout: sink((c) => {
        out += c;
      }),
      stderr: sink((c) => {
        err += c;
      }),
    });
    return { code, out, err };
  } finally {
    setEnv(previous);
  }
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
