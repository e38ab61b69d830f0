/** Argument parsing for commands, with usage errors as coded errors. */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CredenceError } from '../errors.ts';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, positionals = 0) {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new Error(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  } catch (error) {
    throw new CredenceError('CRD_USAGE', `${(error as Error).message} (see --help)`);
  }
}

export function csv(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
