import { setRelyingWebhook } from '../../services/accounts/principal-webhooks.service.ts';
import { CredenceError } from '../../errors.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

/** `credence principal webhook`: where a relying principal's amendments (FCRA § 611(d)) are POSTed. */
export const principalWebhookCommand: Command = {
  path: ['principal', 'webhook'],
  summary: "Set or remove a relying principal's webhook for amendments and print its signing secret (shown once)",
  usage: 'ID (--url URL | --remove) [--json]',
  async run(args, { config, stdout }) {
    const { values, positionals } = parseCommandArgs(
      args,
      { url: { type: 'string' }, remove: { type: 'boolean' }, json: { type: 'boolean' } },
      1,
    );
    if ((values.url === undefined) === (values.remove !== true))
      throw new CredenceError('CRD_USAGE', 'give either --url URL or --remove (see --help)');
    return withRegistry(config, async (registry) => {
      const set = await setRelyingWebhook(registry.rt, positionals[0] ?? '', values.url ?? null);
      if (values.json === true) stdout.write(`${JSON.stringify(set)}\n`);
      else if (set.url === null) stdout.write(`Removed the webhook of ${positionals[0]}\n`);
      else
        stdout.write(
          `Amendments for ${positionals[0]} now go to ${set.url}\n` +
            `Signing secret (shown once; X-Credence-Signature is sha256=HMAC-SHA256 of the body with it):\n` +
            `${set.secret}\n`,
        );
      return 0;
    });
  },
};
