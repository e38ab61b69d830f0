import { readFile } from 'node:fs/promises';
import { type VerifiedReport, verifyReport } from '../../services/ledger/report-verification.service.ts';
import { CredenceError } from '../../errors.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

/** Works offline, without the database: a resident checks a downloaded report with published keys. */
export const verifyReportCommand: Command = {
  path: ['verify-report'],
  summary: 'Check a downloaded report against the public log offline, and say what it proves',
  usage: 'FILE --log-key VKEY [--witness-key VKEY ...]',
  async run(args, { stdout }) {
    const { values, positionals } = parseCommandArgs(
      args,
      { 'log-key': { type: 'string' }, 'witness-key': { type: 'string', multiple: true } },
      1,
    );
    const [file] = positionals;
    const logKey = values['log-key'];
    if (file === undefined || logKey === undefined) {
      throw new CredenceError('CRD_USAGE', 'give the report FILE and --log-key (see --help)');
    }
    const verified = verifyReport(await readReport(file), { logKey, witnessKeys: values['witness-key'] ?? [] });
    stdout.write(describe(verified));
    return 0;
  },
};

async function readReport(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CredenceError('CRD_USAGE', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CredenceError('CRD_MALFORMED_JSON', `${file} is not JSON: is it the report as downloaded?`);
  }
}

/** What was proved, in plain words. */
function describe(report: VerifiedReport): string {
  const count = report.indexes.length;
  const events = count === 1 ? '1 event about you is' : `${count} events about you are`;
  const witnessed =
    report.witnesses.length === 0
      ? 'No witness key was given, so this rests on the log alone: it could show others a different tree.'
      : `cosigned by ${report.witnesses.join(', ')}, who saw the same tree.`;
  const lines = [
    `Verified: ${events} in the log as of tree size ${report.treeSize}, signed by ${report.origin}; ${witnessed}`,
  ];
  if (count > 0) lines.push(`Log indexes: ${report.indexes.join(', ')}.`);
  if (report.uncheckedSignatures > 0) {
    lines.push(
      `The checkpoint also carries ${report.uncheckedSignatures} signature(s) by keys not given, not checked.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
