/**
 * Writes a file so that a crash leaves either the old content or the
 * new, never a torn file: a temporary file in the same directory (mode
 * 0600), fsynced, renamed over the target, then the directory fsynced.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export const TEMP_PREFIX = '.tmp-';

export async function writeFileDurably(
  directory: string,
  name: string,
  /** The content, or the buffers it is made of, in order (written without joining them). */
  content: string | Uint8Array | readonly Uint8Array[],
): Promise<void> {
  const temp = path.join(directory, `${TEMP_PREFIX}${randomUUID()}`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      if (typeof content === 'string' || content instanceof Uint8Array)
        await handle.writeFile(content);
      else await writeParts(handle, content);
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

/** Writes each part whole, in order. */
async function writeParts(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  for (const part of parts) {
    let done = 0;
    while (done < part.length) {
      done += (await handle.write(part, done, part.length - done)).bytesWritten;
    }
  }
}
