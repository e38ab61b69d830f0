/** Runs the migrations in order. Migrations are listed here, not discovered, so a build carries them all. */

import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { CredenceError } from '../errors.ts';
import * as initial from './migrations/2026-11-21-001-initial.ts';
import * as notices from './migrations/2026-11-21-002-notices.ts';
import * as dueProcess from './migrations/2026-11-21-003-due-process.ts';
import * as publicDisclosure from './migrations/2026-11-21-004-public.ts';
import * as delivery from './migrations/2026-11-21-005-delivery.ts';
import * as reviews from './migrations/2026-11-21-006-reviews.ts';
import * as staff from './migrations/2026-11-21-007-staff.ts';
import * as subjectSessions from './migrations/2026-12-01-008-subject-sessions.ts';
import * as imports from './migrations/2026-12-01-009-imports.ts';
import * as log from './migrations/2026-12-02-010-log.ts';
import * as logWitnesses from './migrations/2026-12-02-011-log-witnesses.ts';
import * as periodsFromDecision from './migrations/2026-12-02-012-periods-from-decision.ts';
import * as noticesAsData from './migrations/2026-12-02-013-notices-as-data.ts';
import * as relationships from './migrations/2026-12-02-014-relationships.ts';
import * as commitments from './migrations/2026-12-02-015-commitments.ts';
import * as amendments from './migrations/2026-12-02-016-amendments.ts';
import * as agencyContact from './migrations/2026-12-02-017-agency-contact.ts';
import * as inquiriesPartitioned from './migrations/2026-12-02-018-inquiries-partitioned.ts';
import * as readIndexesAndCounts from './migrations/2026-12-02-019-read-indexes-and-counts.ts';
import * as recordNotes from './migrations/2026-12-02-020-record-notes.ts';
import * as noticesByReference from './migrations/2026-12-02-021-notices-by-reference.ts';
import * as listEntryGrounds from './migrations/2026-12-02-023-list-entry-grounds.ts';
import * as policyActivations from './migrations/2026-12-02-024-policy-activations.ts';
import * as ledgerSalts from './migrations/2026-12-02-025-ledger-salts.ts';
import * as repairOverdueAndRetention from './migrations/2026-12-02-026-repair-overdue-and-amendment-retention.ts';
import * as relatedAmendments from './migrations/2026-12-02-027-related-amendments.ts';
import * as redundantIndexes from './migrations/2026-12-02-028-redundant-indexes.ts';
import * as exemptionAmendments from './migrations/2026-12-02-029-exemption-amendments.ts';
import * as oneNameIndex from './migrations/2026-12-02-030-one-name-index.ts';

const MIGRATIONS: Record<string, Migration> = {
  '2026-11-21-001-initial': initial,
  '2026-11-21-002-notices': notices,
  '2026-11-21-003-due-process': dueProcess,
  '2026-11-21-004-public': publicDisclosure,
  '2026-11-21-005-delivery': delivery,
  '2026-11-21-006-reviews': reviews,
  '2026-11-21-007-staff': staff,
  '2026-12-01-008-subject-sessions': subjectSessions,
  '2026-12-01-009-imports': imports,
  '2026-12-02-010-log': log,
  '2026-12-02-011-log-witnesses': logWitnesses,
  '2026-12-02-012-periods-from-decision': periodsFromDecision,
  '2026-12-02-013-notices-as-data': noticesAsData,
  '2026-12-02-014-relationships': relationships,
  '2026-12-02-015-commitments': commitments,
  '2026-12-02-016-amendments': amendments,
  '2026-12-02-017-agency-contact': agencyContact,
  '2026-12-02-018-inquiries-partitioned': inquiriesPartitioned,
  '2026-12-02-019-read-indexes-and-counts': readIndexesAndCounts,
  '2026-12-02-020-record-notes': recordNotes,
  '2026-12-02-021-notices-by-reference': noticesByReference,
  '2026-12-02-023-list-entry-grounds': listEntryGrounds,
  '2026-12-02-024-policy-activations': policyActivations,
  '2026-12-02-025-ledger-salts': ledgerSalts,
  '2026-12-02-026-repair-overdue-and-amendment-retention': repairOverdueAndRetention,
  '2026-12-02-027-related-amendments': relatedAmendments,
  '2026-12-02-028-redundant-indexes': redundantIndexes,
  '2026-12-02-029-exemption-amendments': exemptionAmendments,
  '2026-12-02-030-one-name-index': oneNameIndex,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema to the latest migration; returns the names applied now. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return outcome(await migrator(db).migrateToLatest());
}

/** Every migration this build knows, in order: the last is its schema version. */
export function knownMigrations(): string[] {
  return Object.keys(MIGRATIONS);
}

/**
 * Brings the schema up or down to the migration `name`, inside the transaction `db` already has open (a Kysely
 * on the one connection of that transaction): a restore migrates, loads and verifies as one transaction.
 */
export async function migrateWithinTransaction(db: Kysely<any>, name: string): Promise<string[]> {
  return outcome(await migrator(db, true).migrateTo(name));
}

function migrator(db: Kysely<any>, disableTransactions = false): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'credence_migration',
    migrationLockTableName: 'credence_migration_lock',
    disableTransactions,
  });
}

function outcome({ error, results }: MigrationResultSet): string[] {
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new CredenceError('CRD_DATABASE_UNAVAILABLE', `Migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
