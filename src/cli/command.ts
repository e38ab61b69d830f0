/** The shape of a CLI command: parse its arguments, call one service, present the result. */

import type { Config } from '../config.ts';

export interface CommandContext {
  readonly config: Config;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Command {
  /** Words that select it, e.g. `['principal', 'add']`. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  /** Resolves to the exit code. Throws CredenceError for coded failures. */
  run(args: readonly string[], context: CommandContext): Promise<number>;
}
