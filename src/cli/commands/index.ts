/** Every CLI command, in the order `credence --help` lists them. */

import type { Command } from '../command.ts';
import { dbBackupCommand, dbMigrateCommand, dbRestoreCommand } from './db.command.ts';
import { agencyContactCommand } from './agency.command.ts';
import { demoCommand } from './demo.command.ts';
import { importCommand } from './import.command.ts';
import { jobsRunCommand } from './jobs.command.ts';
import { ledgerReplayCommand, ledgerVerifyCommand } from './ledger.command.ts';
import { logKeyCommand } from './log.command.ts';
import { logMonitorCommand } from './log-monitor.command.ts';
import { policyActivateCommand, policyActivationsCommand } from './policy-activate.command.ts';
import { policyCheckCommand, policySimulateCommand } from './policy.command.ts';
import { principalAddCommand, principalListCommand, principalRevokeCommand } from './principal.command.ts';
import { principalWebhookCommand } from './principal-webhook.command.ts';
import { serveCommand } from './serve.command.ts';
import { staffAddCommand, staffDisableCommand, staffListCommand } from './staff.command.ts';
import { verifyReportCommand } from './verify-report.command.ts';
import { witnessKeyCommand, witnessServeCommand } from './witness.command.ts';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  dbMigrateCommand,
  dbBackupCommand,
  dbRestoreCommand,
  policyCheckCommand,
  policySimulateCommand,
  policyActivateCommand,
  policyActivationsCommand,
  principalAddCommand,
  principalListCommand,
  principalRevokeCommand,
  principalWebhookCommand,
  agencyContactCommand,
  staffAddCommand,
  staffListCommand,
  staffDisableCommand,
  importCommand,
  demoCommand,
  ledgerVerifyCommand,
  ledgerReplayCommand,
  logKeyCommand,
  logMonitorCommand,
  witnessServeCommand,
  witnessKeyCommand,
  verifyReportCommand,
  jobsRunCommand,
];
