import { CredenceError } from '../../errors.ts';
import { registryJobs, runJobs, scheduleJobs, type JobCounts } from '../../services/runtime/jobs.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

function parseNow(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const now = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) || Number.isNaN(now.getTime())) {
    throw new CredenceError(
      'CRD_USAGE',
      `--now must be an ISO 8601 instant such as 2027-03-01T00:00:00Z, not "${text}"`,
    );
  }
  return now;
}

function describe(counts: JobCounts, now: Date): string {
  const parts = Object.entries(counts).map(([name, n]) => `${name.replaceAll('_', ' ')} ${n}`);
  const delivery = 'delivered' in counts ? '' : ' (notice delivery off: CREDENCE_NOTICE_WEBHOOK is not set)';
  return `Jobs as of ${now.toISOString()}: ${parts.join(', ')}${delivery}\n`;
}

export const jobsRunCommand: Command = {
  path: ['jobs', 'run'],
  summary:
    'Run scheduled work (expiry, notice periods, deadlines, notice delivery): ' +
    '--once as of --now, or every CREDENCE_JOBS_INTERVAL_MS until SIGINT',
  usage: '[--once [--now ISO-8601]] [--json]',
  async run(args, { config, stdout, stderr }) {
    const { values } = parseCommandArgs(args, {
      once: { type: 'boolean' },
      now: { type: 'string' },
      json: { type: 'boolean' },
    });
    const now = parseNow(values.now);
    if (now !== undefined && values.once !== true)
      throw new CredenceError('CRD_USAGE', '--now needs --once: a loop runs on the clock');
    const print = (counts: JobCounts, at: Date): void => {
      stdout.write(values.json === true ? `${JSON.stringify({ at, ...counts })}\n` : describe(counts, at));
    };
    return withRegistry(config, async (registry) => {
      if (values.once === true) {
        const at = now ?? registry.rt.clock();
        print(await runJobs(registryJobs(registry.rt, config), at), at);
        return 0;
      }
      if (values.json !== true)
        stdout.write(
          `Running jobs every ${config.jobsIntervalMs} ms until SIGINT; printing runs that changed something.\n`,
        );
      const scheduler = scheduleJobs({
        intervalMs: config.jobsIntervalMs,
        clock: registry.rt.clock,
        keepAlive: true,
        deps: () => registryJobs(registry.rt, config),
        // Quiet when nothing changed: a line a minute saying "0" helps nobody.
        afterRun: (counts, at) => {
          if (Object.values(counts).some((n) => n > 0)) print(counts, at);
        },
        onError: (error) =>
          stderr.write(`jobs failed, retrying in ${config.jobsIntervalMs} ms: ${(error as Error).message}\n`),
      });
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      await scheduler.stop();
      return 0;
    });
  },
};
