/** Every CLI command, in the order `credence --help` lists them. */

import type { Command } from '../command.ts';
import { dbMigrateCommand } from './db.ts';
import { demoCommand } from './demo.ts';
import { importCommand } from './import.ts';
import { jobsRunCommand } from './jobs.ts';
import { ledgerReplayCommand, ledgerVerifyCommand } from './ledger.ts';
import { policyCheckCommand } from './policy.ts';
import { principalAddCommand, principalListCommand, principalRevokeCommand } from './principal.ts';
import { serveCommand } from './serve.ts';
import { staffAddCommand, staffDisableCommand, staffListCommand } from './staff.ts';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  dbMigrateCommand,
  policyCheckCommand,
  principalAddCommand,
  principalListCommand,
  principalRevokeCommand,
  staffAddCommand, staffListCommand, staffDisableCommand,
  importCommand,
  demoCommand,
  ledgerVerifyCommand,
  ledgerReplayCommand,
  jobsRunCommand,
];
