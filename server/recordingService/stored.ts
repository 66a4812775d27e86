/**
 * A recording's finished files on every node. On one node they are files in
 * its directory and nothing here copies them. On several nodes (an object
 * store, S3_BUCKET) each finished file (a track, the composite, the signed
 * manifest) is also kept in the store, recorded by name: any node renders
 * the composite from the tracks and serves every file, whichever node wrote
 * it. A copy fetched from the store is checked against its recorded hash.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRange } from '../evidence/BlobStore.js';
import type { RecordingContext } from './context.js';
import { isLocal } from './segments.js';

/** Larger than any recording's file (a day-long composite). */
const FILE_MAX_BYTES = 64 * 1024 ** 3;

/** A file of a recording, wherever it is: its size and a way to read it (or a range of it). */
export interface ReadableFile {
  size: number;
  open(range?: BlobRange): Readable;
}

/**
 * Keeps a finished file of the recording in the object store (several nodes);
 * on one node it is already where every reader is. `sha256` is the file's
 * hash as recorded: the copy must match it, and a copy already kept with it
 * is not made again (a composite made again replaces the one kept before).
 */
export async function keepOffNode(
  ctx: RecordingContext,
  recordingId: string,
  name: string,
  sha256: string,
): Promise<void> {
  const store = ctx.fileStore;
  if (!store) return;
  if ((await ctx.repository.storedFile(recordingId, name))?.sha256 === sha256) return;
  const blob = await store.write(createReadStream(path.join(ctx.directoryOf(recordingId), name)), {
    maxBytes: FILE_MAX_BYTES,
  });
  if (blob.sha256 !== sha256) {
    await store.remove(blob.key).catch(() => undefined);
    throw new Error(`${name} of recording ${recordingId} changed before it was kept`);
  }
  await ctx.repository.putStoredFile({
    recordingId,
    name,
    key: blob.key,
    size: blob.size,
    sha256: blob.sha256,
    storedAt: ctx.now().toISOString(),
  });
}

/**
 * Makes a file of the recording present in this node's directory, fetched
 * from the object store when another node wrote it; false when it is
 * neither here nor kept there.
 */
export async function ensureLocal(
  ctx: RecordingContext,
  recordingId: string,
  name: string,
): Promise<boolean> {
  const target = path.join(ctx.directoryOf(recordingId), name);
  if (await isLocal(target)) return true;
  const stored = ctx.fileStore && (await ctx.repository.storedFile(recordingId, name));
  if (!ctx.fileStore || !stored) return false;
  await mkdir(ctx.directoryOf(recordingId), { recursive: true, mode: 0o700 });
  const temp = `${target}.fetch-${process.pid}`;
  const hash = createHash('sha256');
  try {
    await pipeline(
      ctx.fileStore.read(stored.key),
      new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(temp, { mode: 0o600 }),
    );
    if (hash.digest('hex') !== stored.sha256) {
      throw new Error(`the stored ${name} of recording ${recordingId} does not match its hash`);
    }
    await rename(temp, target);
    return true;
  } finally {
    await rm(temp, { force: true });
  }
}

/** A file of the recording to read: here, or in the object store; undefined when neither. */
export async function readableFile(
  ctx: RecordingContext,
  recordingId: string,
  name: string,
): Promise<ReadableFile | undefined> {
  const local = path.join(ctx.directoryOf(recordingId), name);
  if (await isLocal(local)) {
    const { size } = await stat(local);
    return {
      size,
      open: (range) => createReadStream(local, range ? { start: range.start, end: range.end } : {}),
    };
  }
  const store = ctx.fileStore;
  const stored = store && (await ctx.repository.storedFile(recordingId, name));
  if (!store || !stored) return undefined;
  return { size: stored.size, open: (range) => store.read(stored.key, range) };
}
