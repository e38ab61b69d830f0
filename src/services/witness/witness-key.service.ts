/**
 * A witness's own Ed25519 cosigning key (c2sp.org/tlog-cosignature, cosignature/v1), kept in its data
 * directory as `witness.key` in the `PRIVATE+KEY+<name>+<id>+<base64>` signer-key form (type 0x04) that Go's
 * tools read. Created on first use, mode 0600, atomically (src/store/private-file.ts); never printed, logged
 * or put in an error message. The key's name is the witness's name: a key named otherwise is refused.
 */

import { hostname } from 'node:os';
import path from 'node:path';
import { type Cosigner, generateCosignerKeyPair, parseCosignerKey } from '../../domain/log/cosignature.ts';
import { isValidKeyName } from '../../domain/log/note-encoding.ts';
import { CredenceError, isCredenceError } from '../../errors.ts';
import { createPrivateFile, readPrivateFile } from '../../store/private-file.ts';

/** Where a witness keeps its signer key: `<data dir>/witness.key`. */
export function witnessKeyFile(dataDir: string): string {
  return path.join(dataDir, 'witness.key');
}

/** The name a witness gets when none is given: this host's name and `/witness`. */
export function defaultWitnessName(): string {
  return `${hostname().toLowerCase()}/witness`;
}

/**
 * Whether `name` may name a witness: a signed-note key name (no space, plus or control character) and, as
 * tlog-cosignature asks, a schema-less URL (no `scheme://`).
 */
export function isValidWitnessName(name: string): boolean {
  return isValidKeyName(name) && !name.includes('://');
}

/**
 * The witness's cosigner from `dataDir`. Without a key there, one named `name` (default: the host name and
 * `/witness`) is created, and `log` hears where (never the key). With a key there, `name`, if given, must be its
 * name (CRD_WITNESS_KEY_MISMATCH): a witness cannot silently change its identity. Throws CRD_USAGE for a name
 * that cannot name a witness and CRD_NOTE_KEY_INVALID for a file that holds no cosigner key.
 */
export async function openWitnessCosigner(
  dataDir: string,
  name: string | undefined,
  log: (message: string) => void = () => undefined,
): Promise<Cosigner> {
  if (name !== undefined && !isValidWitnessName(name)) {
    throw new CredenceError(
      'CRD_USAGE',
      `witness name ${JSON.stringify(name)}: use a schema-less URL, such as witness.example.org/w1 ` +
        '(no spaces, plus signs or control characters)',
    );
  }
  const file = witnessKeyFile(dataDir);
  let text = await readPrivateFile(file);
  if (text === null) {
    const newName = name ?? defaultWitnessName();
    if (!isValidWitnessName(newName)) throw new CredenceError('CRD_USAGE', `give the witness a name with --name`);
    if (await createPrivateFile(file, `${generateCosignerKeyPair(newName).signerKey}\n`))
      log(`created the witness's cosigning key for ${newName} in ${file}`);
    text = (await readPrivateFile(file)) ?? '';
  }
  const cosigner = cosignerFromFile(file, text);
  if (name !== undefined && cosigner.name !== name) {
    throw new CredenceError(
      'CRD_WITNESS_KEY_MISMATCH',
      `the witness key in ${file} is named ${JSON.stringify(cosigner.name)}, not ${JSON.stringify(name)}: ` +
        'a witness cannot change its name. Leave --name out, or use another data directory for a new witness.',
    );
  }
  return cosigner;
}

/** Parses the file's signer key; an error names the file and never repeats its content. */
function cosignerFromFile(file: string, text: string): Cosigner {
  try {
    return parseCosignerKey(text.trim());
  } catch (error) {
    if (!isCredenceError(error)) throw error;
    throw new CredenceError(error.code, `the witness key file ${file}: ${error.message}`);
  }
}
