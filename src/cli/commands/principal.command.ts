import type { AgencyContact } from '../../domain/agency-contact.ts';
import type { Principal } from '../../domain/principal.ts';
import { createPrincipal, listPrincipals, revokePrincipal } from '../../services/accounts/principals.service.ts';
import { csv, parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';

function scopeOf(p: Principal): string {
  if (p.role === 'agency') return `agency=${p.agency_id} (${p.agency_kind})`;
  if (p.role === 'relying') return `actions=${p.actions.join(',')} purposes=${p.purposes.join(',')}`;
  if (p.role === 'subject') return `subject=${p.subject?.scheme}:${p.subject?.id}`;
  return '';
}

/** How to reach an agency (issue 11), from --contact-en/--contact-zh, --phone and --address-en/--address-zh. */
export function agencyContactOf(
  values: Readonly<Record<string, string | boolean | undefined>>,
): AgencyContact | undefined {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const [en, zh] = [text('contact-en'), text('contact-zh')];
  if (en === undefined && zh === undefined) return undefined;
  const [addressEn, addressZh] = [text('address-en'), text('address-zh')];
  return {
    en: en ?? '',
    zh: zh ?? '',
    ...(text('phone') === undefined ? {} : { phone: text('phone')! }),
    ...(addressEn === undefined && addressZh === undefined
      ? {}
      : { address: { en: addressEn ?? '', zh: addressZh ?? '' } }),
  };
}

export const principalAddCommand: Command = {
  path: ['principal', 'add'],
  summary: 'Create a principal and print its API key (shown once)',
  usage:
    '--role operator|agency|relying|auditor|subject --name NAME [--agency-kind KIND] [--agency ID] ' +
    '[--actions a,b] [--purposes p,q] [--subject scheme:id] ' +
    '[--contact-en TEXT --contact-zh TEXT [--phone PHONE] [--address-en TEXT --address-zh TEXT]] [--json]',
  async run(args, { config, stdout }) {
    const { values } = parseCommandArgs(args, {
      role: { type: 'string' },
      name: { type: 'string' },
      'agency-kind': { type: 'string' },
      agency: { type: 'string' },
      actions: { type: 'string' },
      purposes: { type: 'string' },
      subject: { type: 'string' },
      'contact-en': { type: 'string' },
      'contact-zh': { type: 'string' },
      phone: { type: 'string' },
      'address-en': { type: 'string' },
      'address-zh': { type: 'string' },
      json: { type: 'boolean' },
    });
    const contact = agencyContactOf(values);
    return withRegistry(config, async (registry) => {
      const { principal, key } = await createPrincipal(registry.rt, {
        role: values.role ?? '',
        name: values.name ?? '',
        ...(values['agency-kind'] !== undefined ? { agency_kind: values['agency-kind'] } : {}),
        ...(values.agency !== undefined ? { agency_id: values.agency } : {}),
        ...(values.actions !== undefined ? { actions: csv(values.actions)! } : {}),
        ...(values.purposes !== undefined ? { purposes: csv(values.purposes)! } : {}),
        ...(values.subject !== undefined ? { subject: values.subject } : {}),
        ...(contact === undefined ? {} : { agency_contact: contact }),
      });
      if (values.json === true) stdout.write(`${JSON.stringify({ id: principal.id, key })}\n`);
      else
        stdout.write(
          `Created ${principal.role} principal ${principal.id} (${principal.name}) ${scopeOf(principal)}\n` +
            `API key (shown once, store it now):\n${key}\n`,
        );
      return 0;
    });
  },
};

export const principalListCommand: Command = {
  path: ['principal', 'list'],
  summary: 'List principals (never their keys)',
  usage: '[--json]',
  async run(args, { config, stdout }) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } });
    return withRegistry(config, async (registry) => {
      const principals = await listPrincipals(registry.rt);
      if (values.json === true) stdout.write(`${JSON.stringify(principals)}\n`);
      else
        for (const p of principals)
          stdout.write(
            `${p.id}  ${p.role.padEnd(8)}  ${p.revoked_at ? 'revoked ' : 'active  '}  ${p.name}  ${scopeOf(p)}\n`,
          );
      return 0;
    });
  },
};

export const principalRevokeCommand: Command = {
  path: ['principal', 'revoke'],
  summary: "Revoke a principal's key at once (running servers see it on the ledger)",
  usage: 'ID',
  async run(args, { config, stdout }) {
    const { positionals } = parseCommandArgs(args, {}, 1);
    return withRegistry(config, async (registry) => {
      const principal = await revokePrincipal(registry.rt, positionals[0] ?? '');
      stdout.write(`Revoked ${principal.id} (${principal.name}) at ${principal.revoked_at?.toISOString()}\n`);
      return 0;
    });
  },
};
