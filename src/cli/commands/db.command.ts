import { migrateDatabase } from '../../services/runtime/database.service.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const dbMigrateCommand: Command = {
  path: ['db', 'migrate'],
  summary: 'Apply database migrations (the server also does this at start)',
  usage: '',
  async run(args, { config, stdout }) {
    parseCommandArgs(args, {});
    const applied = await migrateDatabase(config);
    stdout.write(applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`);
    return 0;
  },
};
