import { openLogSigner } from '../../services/ledger/log-key.service.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

/** Needs only the data directory (or CREDENCE_LOG_KEY_FILE): it works without the database. */
export const logKeyCommand: Command = {
  path: ['log', 'key'],
  summary: "Print the log's verifier key (signed-note form), creating the key pair if there is none yet",
  usage: '',
  async run(args, { config, stdout, stderr }) {
    parseCommandArgs(args, {});
    const signer = await openLogSigner(config, (message) => stderr.write(`${message}\n`));
    stdout.write(`${signer.verifierKey}\n`);
    return 0;
  },
};
