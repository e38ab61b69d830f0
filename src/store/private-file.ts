/**
 * Small secret files (a signing key) under the data directory: read whole, or created once, atomically and
 * readable by this account only. Several processes may create the same file at once on first use; exactly one
 * wins and every process then reads the winner's content, so they never disagree on a secret.
 */

import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

const PRIVATE_MODE = 0o600;

/** The file's text, or null when there is no such file. */
export async function readPrivateFile(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Creates `file` holding `content` with mode 0600, creating its folder if needed, unless it exists. The content is
 * written to a temporary file in the same folder and flushed to disk, then linked into place: like a rename, the
 * file appears whole or not at all, but unlike a rename it never replaces a file another process created
 * meanwhile. Resolves to whether this call created it.
 */
export async function createPrivateFile(file: string, content: string): Promise<boolean> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', PRIVATE_MODE);
    try {
      await handle.chmod(PRIVATE_MODE); // open's mode is narrowed by the umask; the key needs exactly 0600
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    const created = await link(temporary, file).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
    if (created) await syncFolder(dir);
    return created;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Flushes a folder's entries, so that a file linked into it survives a crash. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
