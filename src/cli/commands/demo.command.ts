import type { Config } from '../../config.ts';
import { CredenceError } from '../../errors.ts';
import { EXAMPLE_TITLES } from '../../services/demo/demo-examples.service.ts';
import {
  DEFAULT_DEMO_SEED,
  DEFAULT_DEMO_SUBJECTS,
  loadDemo,
  type DemoResult,
} from '../../services/demo/demo.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

const MIN_SUBJECTS = 10;
const MAX_SUBJECTS = 2_000_000;

function wholeNumber(text: string | undefined, fallback: number, option: string, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new CredenceError('CRD_USAGE', `${option} must be a whole number from ${min} to ${max}`);
  return value;
}

/** The address curl should use: a server bound to every interface is reached on loopback. */
function baseUrl(config: Config): string {
  const host =
    config.host === '0.0.0.0' || config.host === '::'
      ? '127.0.0.1'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  return `http://${host}:${config.port}`;
}

function text(result: DemoResult, seed: number, baseUrlText: string): string {
  const { counts, keys, subjects } = result;
  const lists = Object.entries(counts.lists).map(
    ([id, n]) => `${id} ${n.active}${n.pending > 0 ? ` (+${n.pending} in their notice period)` : ''}`,
  );
  const out = [
    `Demo city loaded (seed ${seed}): ${counts.subjects} subjects, ` +
      `${counts.subjects_with_records} with records; ${counts.records} records ` +
      `(${counts.created} new, ${counts.duplicate} already filed).`,
    `On the lists now: ${lists.join('; ')}.`,
    '',
    'Demo keys (shown once; run "credence demo" again for fresh ones):',
    `  operator         ${keys.operator}`,
    `  auditor          ${keys.auditor}`,
    `  relying          ${keys.relying}   (every action and purpose)`,
    `  subject          ${keys.subject}   ` +
      `(${subjects.listedPerson.name}, ${subjects.listedPerson.scheme}:${subjects.listedPerson.id})`,
    ...Object.entries(keys.agency).map(
      ([kind, key]) => `  ${`agency ${kind}`.padEnd(16)} ${key}   (files as demo-${kind})`,
    ),
    '',
    `The portal: start the server with CREDENCE_DEMO_MODE=on and open ${baseUrlText}/portal, then use the demo`,
    `sign-in with ${subjects.listedPerson.scheme}:${subjects.listedPerson.id} ` +
      '(no proof of identity: synthetic data only).',
    '',
    `Try them against the server (npm start; it listens on ${baseUrlText}):`,
  ];
  for (const [name, title] of Object.entries(EXAMPLE_TITLES))
    out.push('', `# ${title}`, result.examples[name as keyof typeof EXAMPLE_TITLES]);
  return `${out.join('\n')}\n`;
}

export const demoCommand: Command = {
  path: ['demo'],
  summary: 'Load a reproducible synthetic city and print demo keys and curl examples for every role',
  usage:
    '[--subjects N] [--seed S] [--json]\n\n' +
    `Defaults: ${DEFAULT_DEMO_SUBJECTS} subjects, seed ${DEFAULT_DEMO_SEED}. ` +
    'Loading again with the same seed files nothing new;\n' +
    'the keys are new each time. Curl examples use HOST and PORT.',
  async run(args, { config, stdout, stderr }) {
    const { values } = parseCommandArgs(args, {
      subjects: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    });
    const subjects = wholeNumber(values.subjects, DEFAULT_DEMO_SUBJECTS, '--subjects', MIN_SUBJECTS, MAX_SUBJECTS);
    const seed = wholeNumber(values.seed, DEFAULT_DEMO_SEED, '--seed', 0, 2 ** 32 - 1);
    return withRegistry(config, async (registry) => {
      if (values.json !== true) stderr.write(`Loading a city of ${subjects} subjects (seed ${seed})...\n`);
      const started = performance.now();
      const url = baseUrl(config);
      const result = await loadDemo(registry.rt, { subjects, seed, baseUrl: url });
      if (values.json === true) stdout.write(`${JSON.stringify(result)}\n`);
      else
        stdout.write(
          `${text(result, seed, url)}\n(loaded in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      return 0;
    });
  },
};
