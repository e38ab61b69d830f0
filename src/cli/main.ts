/**
 * `credence` — the command line. Commands work whether or not the server is running: they
 * open the same database (attaching the shared embedded cluster when there is no DATABASE_URL).
 */

import { CONFIG_VARIABLES, loadConfig } from '../config.ts';
import { CredenceError, isCredenceError } from '../errors.ts';
import type { Command, CommandContext } from './command.ts';
import { COMMANDS } from './commands/index.ts';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  const env = CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(34)} default: ${v.fallback || '(none)'}`);
  return [
    'Usage: credence COMMAND [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Environment:',
    ...env,
    '',
    'Run "credence COMMAND --help" for a command\'s options.',
    '',
  ].join('\n');
}

function findCommand(argv: readonly string[]): { command: Command; rest: readonly string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.path.every((word, i) => argv[i] === word));
  const best = matches.sort((a, b) => b.path.length - a.path.length)[0];
  return best === undefined ? undefined : { command: best, rest: argv.slice(best.path.length) };
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], context: Omit<CommandContext, 'config'>): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    context.stdout.write(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  try {
    if (found === undefined)
      throw new CredenceError('CRD_USAGE', `unknown command "${argv.join(' ')}"; run "credence --help"`);
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      context.stdout.write(
        `Usage: credence ${found.command.path.join(' ')} ${found.command.usage}\n\n${found.command.summary}\n`,
      );
      return 0;
    }
    return await found.command.run(found.rest, { ...context, config: loadConfig(process.env) });
  } catch (error) {
    return reportError(error, context.stderr);
  }
}

export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (isCredenceError(error)) {
    stderr.write(`error ${error.code}: ${error.message}\n`);
    for (const d of error.details)
      if (!error.message.includes(d.message)) stderr.write(`  ${d.path ? `${d.path}: ` : ''}${d.message}\n`);
    return error.exitCode;
  }
  stderr.write(`error CRD_INTERNAL: ${(error as Error)?.stack ?? String(error)}\n`);
  return 70;
}
