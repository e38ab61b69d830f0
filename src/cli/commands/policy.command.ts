import { CredenceError } from '../../errors.ts';
import { loadPolicy } from '../../policy/index.ts';
import { simulatePolicy } from '../../services/ledger/policy-simulation.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';
import { simulationText } from './simulation-table.ts';

export const policyCheckCommand: Command = {
  path: ['policy', 'check'],
  summary: 'Validate a policy folder and print every problem with its path',
  usage: 'DIR',
  async run(args, { stdout }) {
    const { positionals } = parseCommandArgs(args, {}, 1);
    const dir = positionals[0] ?? 'policies/default';
    const policy = await loadPolicy(dir); // throws CRD_POLICY_INVALID listing every problem
    stdout.write(
      `${dir}: valid. Policy ${policy.id} ${policy.version} (digest ${policy.digest.slice(0, 12)}): ` +
        `${policy.record_types.size} record types, ${policy.lists.size} lists, ` +
        `${policy.actions.size} actions, ${policy.measures.length} measures.\n`,
    );
    return 0;
  },
};

const MAX_SAMPLES = 100;

export function parseInstant(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) || Number.isNaN(at.getTime()))
    throw new CredenceError(
      'CRD_USAGE',
      `--at must be an ISO 8601 instant such as 2027-03-01T00:00:00Z, not "${text}"`,
    );
  return at;
}

function parseSamples(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > MAX_SAMPLES)
    throw new CredenceError('CRD_USAGE', `--samples must be a whole number from 0 to ${MAX_SAMPLES}, not "${text}"`);
  return n;
}

/**
 * What a candidate policy would change, before it is active: counts by subject kind; the subject ids behind each
 * change (personal data) only with --samples.
 */
export const policySimulateCommand: Command = {
  path: ['policy', 'simulate'],
  summary: 'Show what a candidate policy would change (grades, lists, measures by subject kind); writes nothing',
  usage: 'DIR [--at ISO-8601] [--json] [--samples N]',
  async run(args, { config, stdout }) {
    const { positionals, values } = parseCommandArgs(
      args,
      { at: { type: 'string' }, json: { type: 'boolean' }, samples: { type: 'string' } },
      1,
    );
    const dir = positionals[0];
    if (dir === undefined) throw new CredenceError('CRD_USAGE', 'name the candidate policy folder (see --help)');
    const at = parseInstant(values.at);
    const samples = parseSamples(values.samples);
    const candidate = await loadPolicy(dir); // throws CRD_POLICY_INVALID listing every problem
    const simulation = await withRegistry(config, (registry) =>
      simulatePolicy(registry.rt, candidate, { at: at ?? registry.rt.clock(), samples }),
    );
    stdout.write(values.json === true ? `${JSON.stringify(simulation, null, 2)}\n` : simulationText(simulation));
    return 0;
  },
};
