/** Runs the CLI in-process without a registry (for commands that need no database), capturing its output. */

import { main } from '../../src/cli/main.ts';

export interface MainResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `credence ...argv` in this process, with the environment as it is. */
export async function runMain(...argv: string[]): Promise<MainResult> {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) =>
    ({
      write: (chunk: string) => {
        into.push(chunk);
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: sink(chunks.out), stderr: sink(chunks.err) });
  return { code, out: chunks.out.join(''), err: chunks.err.join('') };
}
