/** Argument parsing for commands, with usage errors as coded errors. */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import { CredenceError } from '../errors.ts';
import { openRegistry, type Registry } from '../services/runtime/open-registry.ts';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
  positionals = 0,
) {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals)
      throw new Error(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  } catch (error) {
    throw new CredenceError('CRD_USAGE', `${(error as Error).message} (see --help)`);
  }
}

export function csv(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

/** Opens the registry for one command and always closes it (draining the inquiry log). */
export async function withRegistry<T>(config: Config, use: (registry: Registry) => Promise<T>): Promise<T> {
  const registry = await openRegistry(config, { applicationName: 'credence-cli' });
  try {
    return await use(registry);
  } finally {
    await registry.close();
  }
}
