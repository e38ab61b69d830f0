import { encodeBase64 } from '../../domain/log/note-encoding.ts';
import { monitorLog } from '../../services/ledger/log-monitor.service.ts';
import { CredenceError } from '../../errors.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

const FETCH_TIMEOUT_MS = 30_000; // a monitor run from cron must not hang on a stalled server

/** Needs neither the database nor the data directory: anyone can monitor any registry's log. */
export const logMonitorCommand: Command = {
  path: ['log', 'monitor'],
  summary: "Check that a registry's public log only grew since the last run (exit non-zero on a fork)",
  usage: '--url URL --log-key VKEY --state FILE',
  async run(args, { stdout }) {
    const { values } = parseCommandArgs(args, {
      url: { type: 'string' },
      'log-key': { type: 'string' },
      state: { type: 'string' },
    });
    const { url, 'log-key': logKey, state: stateFile } = values;
    if (url === undefined || logKey === undefined || stateFile === undefined) {
      throw new CredenceError('CRD_USAGE', '--url, --log-key and --state are all required (see --help)');
    }
    const { previous, current } = await monitorLog({ url, logKey, stateFile }, (target) =>
      fetch(target, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }),
    );
    const root = encodeBase64(current.root);
    if (previous === null) {
      stdout.write(
        `${current.origin}: first run, trusting on first use tree size ${current.size}, root ${root} ` +
          `(its tiles match; saved in ${stateFile})\n`,
      );
    } else {
      const change = previous.size === current.size ? 'unchanged' : 'consistent';
      stdout.write(`${current.origin}: tree size ${previous.size} → ${current.size} (${change}), root ${root}\n`);
    }
    return 0;
  },
};
