import { CredenceError } from '../../errors.ts';
import { policyFromStore } from '../../services/runtime/open-registry.ts';
import { verifyLedger } from '../../services/ledger/ledger.service.ts';
import { replayLedger } from '../../services/ledger/replay.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

export const ledgerVerifyCommand: Command = {
  path: ['ledger', 'verify'],
  summary: 'Recompute the hash chain; name the first bad event (exit 70) or print the head',
  usage: '[--json]',
  async run(args, { config, stdout }) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const result = await withRegistry(config, (registry) => verifyLedger(registry.rt));
    if (values.json === true) stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) stdout.write(`Ledger OK: ${result.events} events, head ${result.head}\n`);
    if (!result.ok)
      throw new CredenceError(
        'CRD_LEDGER_BROKEN',
        `ledger broken at event ${result.firstBad!.seq}: ${result.firstBad!.reason} ` +
          `(${result.events} events before it verify)`,
      );
    return 0;
  },
};

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
