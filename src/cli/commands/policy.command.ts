import { loadPolicy } from '../../policy/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

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
