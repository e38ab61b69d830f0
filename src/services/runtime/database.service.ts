/**
 * The database as the shells see it: bring its schema up to date (`credence db migrate`) and ask
 * whether it answers (the readiness check). Connecting is the store's; these only orchestrate.
 */

import type { Config } from '../../config.ts';
import { openDatabase, pingDatabase } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import type { ServiceContext } from '../context.ts';

/** Connects per configuration, applies pending migrations and disconnects; returns the names applied now. */
export async function migrateDatabase(config: Config, applicationName = 'credence-cli'): Promise<string[]> {
  const database = await openDatabase(config, applicationName);
  try {
    return await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
}

/** How long the readiness check waits for an answer: a database that does not answer in time is not ready. */
const PING_TIMEOUT_MS = 2_000;

/** Whether the database answers a trivial query in time (false, never a throw, when it cannot be reached). */
export async function isDatabaseReachable(ctx: ServiceContext): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([pingDatabase(ctx.db).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
