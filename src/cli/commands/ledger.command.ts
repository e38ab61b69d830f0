import { CredenceError } from '../../errors.ts';
import { policyFromStore } from '../../services/runtime/open-registry.ts';
import { type VerifyResult, verifyLedger } from '../../services/ledger/ledger.service.ts';
import { openLogSigner } from '../../services/ledger/log-key.service.ts';
import { replayLedger } from '../../services/ledger/replay.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

export const ledgerVerifyCommand: Command = {
  path: ['ledger', 'verify'],
  summary: 'Recompute the hash chain and the log (leaves, tree, signed checkpoint); name the first bad event (exit 70)',
  usage: '[--json]',
  async run(args, { config, stdout }) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const logKey = (await openLogSigner(config)).verifierKey;
    const result = await withRegistry(config, (registry) => verifyLedger(registry.rt, { logKey }));
    if (values.json === true) stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) stdout.write(`Ledger OK: ${result.events} events, head ${result.head}\n${logLine(result)}\n`);
    if (result.log.problem !== undefined)
      throw new CredenceError(
        'CRD_LEDGER_BROKEN',
        `the log does not match its signed checkpoint: ${result.log.problem}`,
      );
    if (!result.ok)
      throw new CredenceError(
        'CRD_LEDGER_BROKEN',
        `ledger broken at event ${result.firstBad!.seq}: ${result.firstBad!.reason} ` +
          `(${result.events} events before it verify)`,
      );
    return 0;
  },
};

function logLine({ log }: VerifyResult): string {
  if (log.root === null) return 'Log: no checkpoint signed yet';
  return `Log OK: the ${log.size} leaves rebuild the root ${log.root} of the signed checkpoint`;
}

export const ledgerReplayCommand: Command = {
  path: ['ledger', 'replay'],
  summary: 'Rebuild subjects, records, scores and list entries from the ledger alone',
  usage: '',
  async run(args, { config, stdout }) {
    parseCommandArgs(args, {});
    const result = await withRegistry(config, (registry) =>
      replayLedger(registry.rt, (digest) => policyFromStore(registry.database, digest)),
    );
    stdout.write(`Replayed ${result.events} events; rebuilt ${result.subjects} subjects.\n`);
    return 0;
  },
};
