/**
 * The transparency log's signing key (issue 9): an Ed25519 signed-note key named for the log's origin
 * (c2sp.org/tlog-checkpoint: the key that signs checkpoints is named by the origin line). It is read from
 * CREDENCE_LOG_KEY_FILE, or from `<data dir>/log/signing.key`, where the key pair is created on first use in
 * Go's `PRIVATE+KEY+<name>+<id>+<base64>` signer-key form (golang.org/x/mod/sumdb/note), so Go's tools read it.
 * The private key is never logged, printed or put in an error message.
 */

import path from 'node:path';
import type { Config } from '../../config.ts';
import { generateKeyPair, type NoteSigner, parseSignerKey } from '../../domain/log/note-keys.ts';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { createPrivateFile, readPrivateFile } from '../../store/private-file.ts';

/** What locating the log's key needs from the configuration. */
export type LogKeyConfig = Pick<Config, 'dataDir' | 'logOrigin' | 'logKeyFile'>;

/** Where the log's signer key is kept: CREDENCE_LOG_KEY_FILE, or `<data dir>/log/signing.key`. */
export function logKeyFile(config: LogKeyConfig): string {
  return config.logKeyFile ?? path.join(config.dataDir, 'log', 'signing.key');
}

/**
 * The log's signer. In the data directory, a new key pair named `config.logOrigin` is created on first use
 * (written atomically, mode 0600; `log` hears where, never the key); a configured CREDENCE_LOG_KEY_FILE must exist
 * (CRD_CONFIG_INVALID), since a missing secret there is a mistake, not a new log. Throws CRD_NOTE_KEY_INVALID for
 * a file that holds no Ed25519 signer key, and CRD_LOG_KEY_MISMATCH when the key is named for another origin:
 * a log cannot silently change its identity.
 */
export async function openLogSigner(
  config: LogKeyConfig,
  log: (message: string) => void = () => undefined,
): Promise<NoteSigner> {
  const file = logKeyFile(config);
  let text = await readPrivateFile(file);
  if (text === null) {
    if (config.logKeyFile !== null)
      throw new CredenceError('CRD_CONFIG_INVALID', `CREDENCE_LOG_KEY_FILE=${file}: there is no such file`);
    if (await createPrivateFile(file, `${generateKeyPair(config.logOrigin).signerKey}\n`))
      log(`created the transparency log's signing key for ${config.logOrigin} in ${file}`);
    text = (await readPrivateFile(file)) ?? '';
  }
  const signer = signerFromFile(file, text);
  if (signer.name !== config.logOrigin)
    throw new CredenceError(
      'CRD_LOG_KEY_MISMATCH',
      `the log's signing key in ${file} is named ${JSON.stringify(signer.name)}, but the log's origin ` +
        `(CREDENCE_LOG_ORIGIN) is ${JSON.stringify(config.logOrigin)}: a log cannot change its identity. ` +
        "Set CREDENCE_LOG_ORIGIN back to the key's name, or move the key away to start a new log.",
    );
  return signer;
}

/** Parses the file's signer key; an error names the file and never repeats its content. */
function signerFromFile(file: string, text: string): NoteSigner {
  try {
    return parseSignerKey(text.trim());
  } catch (error) {
    if (!isCredenceError(error)) throw error;
    throw new CredenceError(error.code, `the log's signing key file ${file}: ${error.message}`);
  }
}
