/**
 * Small state files replaced whole (a log monitor's last verified tree): the new content is written to a temporary
 * file in the same folder, flushed to disk, then renamed over the old one, so a reader or a crash sees either the
 * old content or the new, never a mix or an empty file.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Replaces `file` (creating it and its folder if needed) with `content`, atomically and durably. */
export async function replaceFile(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    const folder = await open(dir, 'r');
    try {
      await folder.sync(); // the rename itself survives a crash
    } finally {
      await folder.close();
    }
  } finally {
    await rm(temporary, { force: true });
  }
}
