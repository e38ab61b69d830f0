/**
 * `credence policy activate` and `credence policy activations` (issue 12): a policy activation is a resumable
 * background rescoring (policy.service.ts). The command schedules it and, unless it starts later or --background
 * is given, runs its pages here with progress; a server runs them too, so the two share the work. Killed half-way,
 * the same command (or the server) resumes it at its cursor.
 */

import { CredenceError } from '../../errors.ts';
import {
  ACTIVATION_PAGE,
  readActivations,
  runActivation,
  schedulePolicyActivation,
  type PolicyActivationRow,
} from '../../services/ledger/policy.service.ts';
import { loadPolicyDir } from '../../services/runtime/open-registry.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';
import { parseInstant } from './policy.command.ts';

const PROGRESS_INTERVAL_MS = 1000;
const MAX_REASON = 500;

function parsePageSize(text: string | undefined): number {
  if (text === undefined) return ACTIVATION_PAGE;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 100_000)
    throw new CredenceError('CRD_USAGE', `--page-size must be a whole number from 1 to 100000, not "${text}"`);
  return n;
}

function parseReason(text: string | undefined): string {
  const reason = text?.trim() ?? '';
  if (reason === '' || reason.length > MAX_REASON)
    throw new CredenceError('CRD_USAGE', `--reason must say why the policy changes, in 1 to ${MAX_REASON} characters`);
  return reason;
}

/** One line about an activation: its policy, state and progress. */
export function activationLine(a: PolicyActivationRow): string {
  const done = Number(a.subjects_done);
  const total = Number(a.subjects_total);
  const share = total > 0 ? ` (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
  const when =
    a.status === 'completed'
      ? `completed ${a.completed_at?.toISOString()}`
      : a.status === 'scheduled'
        ? `starts ${a.starts_at.toISOString()}`
        : `running since ${a.started_at?.toISOString()}`;
  return (
    `${a.id}  policy ${a.version} (digest ${a.digest.slice(0, 12)})  ${a.status}: ${done.toLocaleString('en')} of ` +
    `${total.toLocaleString('en')} subjects${share}  ${when}  by ${a.requested_by}: ${a.reason}`
  );
}

export const policyActivateCommand: Command = {
  path: ['policy', 'activate'],
  summary: 'Activate a policy folder: a resumable background rescoring of every subject, with progress',
  usage: 'DIR --reason TEXT [--at ISO-8601] [--background] [--page-size N]',
  async run(args, { config, stdout, stderr }) {
    const { positionals, values } = parseCommandArgs(
      args,
      {
        reason: { type: 'string' },
        at: { type: 'string' },
        background: { type: 'boolean' },
        'page-size': { type: 'string' },
      },
      1,
    );
    const dir = positionals[0];
    if (dir === undefined) throw new CredenceError('CRD_USAGE', 'name the policy folder to activate (see --help)');
    const reason = parseReason(values.reason);
    const startsAt = parseInstant(values.at);
    const pageSize = parsePageSize(values['page-size']);
    const { policy, document } = await loadPolicyDir(dir); // throws CRD_POLICY_INVALID listing every problem
    return withRegistry(config, async ({ rt }) => {
      const scheduled = await schedulePolicyActivation(rt, policy, document, {
        reason,
        requestedBy: 'cli',
        ...(startsAt === undefined ? {} : { startsAt }),
      });
      if (scheduled.state === 'active') {
        stdout.write(`Policy ${policy.version} is already the active policy: nothing to do.\n`);
        return 0;
      }
      const { activation } = scheduled;
      stdout.write(`${scheduled.created ? 'Scheduled' : 'Resuming'}: ${activationLine(activation)}\n`);
      if (values.background === true || activation.starts_at > rt.clock()) {
        stdout.write('A running server rescores in the background; `credence policy activations` shows progress.\n');
        return 0;
      }
      const started = Date.now();
      let shown = 0;
      const outcome = await runActivation(rt, {
        pageSize,
        onPage: (page) => {
          if (page.kind !== 'page' || Date.now() - shown < PROGRESS_INTERVAL_MS) return;
          shown = Date.now();
          stderr.write(`${activationLine(page.activation)}\n`);
        },
      });
      if (outcome.kind !== 'completed') throw new Error(`the activation stopped: ${outcome.kind}`);
      const seconds = (Date.now() - started) / 1000;
      const done = Number(outcome.activation.subjects_done);
      const rate = Math.round(done / Math.max(seconds, 0.001)).toLocaleString('en');
      stdout.write(
        `Activated policy ${policy.version}: ${done.toLocaleString('en')} subjects rescored ` +
          `in ${seconds.toFixed(1)} s (${rate} subjects/s).\n`,
      );
      return 0;
    });
  },
};

export const policyActivationsCommand: Command = {
  path: ['policy', 'activations'],
  summary: 'Show the policy activation under way, if any, and the latest ones',
  usage: '[--json]',
  async run(args, { config, stdout }) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, 0);
    const activations = await withRegistry(config, ({ rt }) => readActivations(rt));
    if (values.json === true) {
      stdout.write(`${JSON.stringify(activations, null, 2)}\n`);
      return 0;
    }
    if (activations.recent.length === 0) stdout.write('No policy activation yet.\n');
    for (const a of activations.recent) stdout.write(`${activationLine(a)}\n`);
    return 0;
  },
};
