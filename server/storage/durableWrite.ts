/**
 * Writes a file so that a crash leaves either the old content or the
 * new, never a torn file: a temporary file in the same directory (mode
 * 0600), fsynced, renamed over the target, then the directory fsynced.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export const TEMP_PREFIX = '.tmp-';

export async function writeFileDurably(
  directory: string,
  name: string,
  content: string | Uint8Array,
): Promise<void> {
  const temp = path.join(directory, `${TEMP_PREFIX}${randomUUID()}`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path.join(directory, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dir = await open(directory, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
