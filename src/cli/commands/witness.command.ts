/**
 * `credence witness serve` and `credence witness key`: an independent c2sp.org/tlog-witness for a Credence
 * log (or any log whose checkpoints are signed with an Ed25519 signed-note key). Neither needs the database.
 */

import path from 'node:path';
import type { Config } from '../../config.ts';
import { CredenceError } from '../../errors.ts';
import { openWitnessCosigner } from '../../services/witness/witness-key.service.ts';
import { startWitnessServer } from '../../witness/witness-server.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

const DEFAULT_PORT = 7380;

const dataDirOption = { 'data-dir': { type: 'string' }, name: { type: 'string' } } as const;

/** The witness's data directory: --data-dir, or `<CREDENCE_DATA_DIR>/witness`. */
function witnessDataDir(config: Config, given: string | undefined): string {
  return given === undefined ? path.join(config.dataDir, 'witness') : path.resolve(given);
}

function parsePort(given: string | undefined): number {
  if (given === undefined) return DEFAULT_PORT;
  const port = Number(given);
  if (!/^[0-9]+$/.test(given) || port > 65535) {
    throw new CredenceError('CRD_USAGE', `--port ${given} is not a port number (0 to 65535)`);
  }
  return port;
}

export const witnessServeCommand: Command = {
  path: ['witness', 'serve'],
  summary: 'Run a c2sp.org/tlog-witness (POST /add-checkpoint) for the log(s) named by --log, until SIGINT',
  usage:
    '--log VKEY [--log VKEY ...] [--port P (default 7380)] [--host H (default HOST)] ' +
    '[--data-dir D (default CREDENCE_DATA_DIR/witness)] [--name NAME (default <host name>/witness)]',
  async run(args, { config, stderr }) {
    const { values } = parseCommandArgs(args, {
      ...dataDirOption,
      log: { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
    });
    const server = await startWitnessServer({
      dataDir: witnessDataDir(config, values['data-dir']),
      name: values.name,
      logKeys: values.log ?? [],
      host: values.host ?? config.host,
      port: parsePort(values.port),
      logLevel: config.logLevel,
      log: (message) => stderr.write(`${message}\n`),
    });
    stderr.write(`witness ${server.verifierKey} listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const onSignal = () => void server.stop().then(resolve);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    return 0;
  },
};

export const witnessKeyCommand: Command = {
  path: ['witness', 'key'],
  summary: "Print the witness's verifier key (cosignature/v1), creating its key pair if there is none yet",
  usage: '[--data-dir D (default CREDENCE_DATA_DIR/witness)] [--name NAME (for a new key)]',
  async run(args, { config, stdout, stderr }) {
    const { values } = parseCommandArgs(args, dataDirOption);
    const dataDir = witnessDataDir(config, values['data-dir']);
    const cosigner = await openWitnessCosigner(dataDir, values.name, (message) => stderr.write(`${message}\n`));
    stdout.write(`${cosigner.verifierKey}\n`);
    return 0;
  },
};
