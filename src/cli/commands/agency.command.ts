import { CredenceError } from '../../errors.ts';
import { setAgencyContact } from '../../services/accounts/agencies.service.ts';
import { parseCommandArgs, withRegistry } from '../args.ts';
import type { Command } from '../command.ts';
import { agencyContactOf } from './principal.command.ts';

/** `credence agency contact`: how to reach an agency (issue 11), changed after it was registered, or removed. */
export const agencyContactCommand: Command = {
  path: ['agency', 'contact'],
  summary: 'Replace or remove how to reach an agency, shown with the exit routes of its records',
  usage:
    'AGENCY_ID (--contact-en TEXT --contact-zh TEXT [--phone PHONE] [--address-en TEXT --address-zh TEXT] ' +
    '| --remove) [--json]',
  async run(args, { config, stdout }) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        'contact-en': { type: 'string' },
        'contact-zh': { type: 'string' },
        phone: { type: 'string' },
        'address-en': { type: 'string' },
        'address-zh': { type: 'string' },
        remove: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      1,
    );
    const contact = agencyContactOf(values);
    if ((contact === undefined) === (values.remove !== true))
      throw new CredenceError('CRD_USAGE', 'give either --contact-en TEXT --contact-zh TEXT or --remove (see --help)');
    return withRegistry(config, async (registry) => {
      const agency = await setAgencyContact(registry.rt, positionals[0] ?? '', contact ?? null);
      if (values.json === true) stdout.write(`${JSON.stringify(agency)}\n`);
      else if (agency.contact === null) stdout.write(`Removed the contact of ${agency.agency_id} (${agency.name})\n`);
      else
        stdout.write(
          `The contact of ${agency.agency_id} (${agency.name}) is now: ${agency.contact.en} / ${agency.contact.zh}\n`,
        );
      return 0;
    });
  },
};
