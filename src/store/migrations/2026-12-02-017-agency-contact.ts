/**
 * How to reach an agency (issue 11, "what it means for me": the exit route names the agency and how to reach it): an
 * optional contact given when the agency is registered, as JSON `{en, zh, phone?, address?: {en, zh}}` (how to reach
 * it in each language, e.g. its office and hours; a telephone number; its address). Null for agencies registered
 * without one, and for all registered before. Frozen in time.
 */

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table agencies add column contact jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table agencies drop column contact`.execute(db);
}
