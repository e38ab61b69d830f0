/**
 * The bench's server process: what `credence serve` runs (startServer), and with `--log-off` the same server
 * without the transparency log's background work (ServerOptions.log), so that the bench can measure the log's
 * cost on the same workload. For the bench only: with the log off no checkpoint is signed or published.
 */

import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';

const server = await startServer(loadConfig(process.env), { log: !process.argv.includes('--log-off') });
await new Promise<void>((resolve) => {
  const onSignal = () => void server.stop().then(resolve);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
});
