import { startServer } from '../../server.ts';
import type { Command } from '../command.ts';

export const serveCommand: Command = {
  path: ['serve'],
  summary: 'Run the HTTP server (PORT, default 8080) until SIGINT or SIGTERM',
  usage: '',
  async run(_args, { config }) {
    const server = await startServer(config);
    await new Promise<void>((resolve) => {
      const onSignal = () => void server.stop().then(resolve);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    return 0;
  },
};
