/**
 * The witness process (`credence witness serve`): its key and the logs it witnesses, the app, listen. It
 * needs no database and nothing of the registry's: anyone can run one, on a machine of their own.
 */

import type { FastifyInstance } from 'fastify';
import { openWitnessCosigner } from '../services/witness/witness-key.service.ts';
import { witnessedLogs } from '../services/witness/witness.service.ts';
import { buildWitnessApp, type WitnessAppOptions } from './witness.app.ts';

/** What a witness is made of: its data directory, its name and the logs it witnesses. */
export interface WitnessOptions {
  readonly dataDir: string;
  /** The witness's name; undefined: its key's, or the host name and `/witness` for a new key. */
  readonly name: string | undefined;
  /** The verifier keys of the logs it witnesses, each named for its log's origin. */
  readonly logKeys: readonly string[];
  /** Hears what a person starting the witness should know (a key created). */
  readonly log: (message: string) => void;
}

/** Where and how a witness process runs. */
export interface WitnessServerOptions extends WitnessOptions {
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
}

/** A witness app, not yet listening, and the witness's verifier key. */
export interface WitnessApp {
  readonly app: FastifyInstance;
  /** The witness's verifier key, as `credence witness key` prints it. */
  readonly verifierKey: string;
}

/** A running witness. */
export interface WitnessServer {
  readonly url: string;
  readonly verifierKey: string;
  stop(): Promise<void>;
}

/**
 * The witness app of these options (its key created if needed), cosigning at the time `clock` gives. Throws
 * CRD_USAGE, CRD_NOTE_KEY_INVALID or CRD_WITNESS_KEY_MISMATCH for bad options.
 */
export async function openWitnessApp(
  options: WitnessOptions,
  clock: () => Date,
  logger: WitnessAppOptions['logger'] = false,
): Promise<WitnessApp> {
  const logs = witnessedLogs(options.logKeys);
  const cosigner = await openWitnessCosigner(options.dataDir, options.name, options.log);
  const witness = { dataDir: options.dataDir, cosigner, logs, clock };
  return { app: await buildWitnessApp({ witness, logger }), verifierKey: cosigner.verifierKey };
}

/** Starts a witness on the system clock; throws as openWitnessApp does, before listening. */
export async function startWitnessServer(options: WitnessServerOptions): Promise<WitnessServer> {
  const { app, verifierKey } = await openWitnessApp(options, () => new Date(), { level: options.logLevel });
  const url = await app.listen({ port: options.port, host: options.host });
  return { url, verifierKey, stop: () => app.close() };
}
