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

/** Whether the database answers a trivial query (false, never a throw, when it cannot be reached). */
export async function isDatabaseReachable(ctx: ServiceContext): Promise<boolean> {
  try {
    await pingDatabase(ctx.db);
    return true;
  } catch {
    return false;
  }
}
