import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { CredenceError } from '../../errors.ts';
import {
  createStaffAccount,
  disableStaffAccount,
  listStaffAccounts,
  type StaffMember,
} from '../../services/accounts/staff-accounts.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

function describe(s: StaffMember): string {
  const scope = s.role === 'agency' ? `agency=${s.agency_id} (${s.agency_name})` : '';
  return `${s.username.padEnd(20)}  ${s.role.padEnd(8)}  ${s.disabled_at ? 'disabled' : 'active  '}  ${scope}`;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
async function promptHidden(question: string, stderr: NodeJS.WritableStream): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    stderr.write(question);
    const answer = await rl.question('');
    stderr.write('\n');
    return answer;
  } finally {
    rl.close();
  }
}

async function readPassword(fromStdin: boolean, stderr: NodeJS.WritableStream): Promise<string> {
  if (fromStdin) return readStdin();
  if (process.stdin.isTTY !== true)
    throw new CredenceError('CRD_USAGE', 'not a terminal: pipe the password in with --password-stdin');
  const first = await promptHidden('Password: ', stderr);
  if ((await promptHidden('Repeat password: ', stderr)) !== first)
    throw new CredenceError('CRD_VALIDATION', 'the passwords do not match');
  return first;
}

export const staffAddCommand: Command = {
  path: ['staff', 'add'],
  summary: 'Create a staff account for the consoles (asks for its password, or reads it from stdin)',
  usage: '--username U --role operator|agency [--agency ID] [--password-stdin]',
  async run(args, { config, stdout, stderr }) {
    const { values } = parseCommandArgs(args, {
      username: { type: 'string' },
      role: { type: 'string' },
      agency: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    });
    const password = await readPassword(values['password-stdin'] === true, stderr);
    return withRegistry(config, async (registry) => {
      const staff = await createStaffAccount(registry.rt, {
        username: values.username ?? '',
        role: values.role ?? '',
        password,
        ...(values.agency !== undefined ? { agency_id: values.agency } : {}),
      });
      stdout.write(`Created staff account ${describe(staff)}\n`);
      return 0;
    });
  },
};

export const staffListCommand: Command = {
  path: ['staff', 'list'],
  summary: 'List staff accounts (never their password hashes)',
  usage: '[--json]',
  async run(args, { config, stdout }) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } });
    return withRegistry(config, async (registry) => {
      const staff = await listStaffAccounts(registry.rt);
      if (values.json === true) stdout.write(`${JSON.stringify(staff)}\n`);
      else for (const s of staff) stdout.write(`${describe(s)}\n`);
      return 0;
    });
  },
};

export const staffDisableCommand: Command = {
  path: ['staff', 'disable'],
  summary: 'Disable a staff account and end its sessions at once',
  usage: 'USERNAME',
  async run(args, { config, stdout }) {
    const { positionals } = parseCommandArgs(args, {}, 1);
    return withRegistry(config, async (registry) => {
      const staff = await disableStaffAccount(registry.rt, positionals[0] ?? '');
      stdout.write(`Disabled ${staff.username} at ${staff.disabled_at?.toISOString()}\n`);
      return 0;
    });
  },
};
