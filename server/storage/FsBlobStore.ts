/**
 * Blobs as files in one directory. A write goes to a temporary file in the
 * same directory, hashed while it streams (nothing is held whole in memory),
 * then fsync → rename to its final name → fsync of the directory, so a blob
 * either exists completely under its name or not at all. The caller writes
 * its database row only after that.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRange, BlobStore, BlobWriteOptions, StoredBlob } from '../evidence/BlobStore.js';
import { Meter, WRITE_BUFFER } from './meter.js';

const TEMP_PREFIX = '.tmp-';
/**
 * Stream buffer for reads: with Node's 64 KiB default a bundle export read its 34 MB of
 * evidence in about 550 chunks, each a thread-pool round trip, a stream push and a hash
 * call (bench:bundle); 1 MiB, as for writes (meter.ts), costs at most that per read in flight.
 */
const READ_BUFFER = 1024 * 1024;
const KEY = /^[0-9a-f-]{36}$/;

export class FsBlobStore implements BlobStore {
  readonly directory: string;

  private constructor(directory: string) {
    this.directory = directory;
  }

  static async open(directory: string): Promise<FsBlobStore> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return new FsBlobStore(directory);
  }

  async write(source: Readable, options: BlobWriteOptions): Promise<StoredBlob> {
    const key = randomUUID();
    const temp = path.join(this.directory, `${TEMP_PREFIX}${key}`);
    const meter = new Meter(options);
    // Until the pipeline below listens, an error of the source (a client that went away)
    // would have no listener and end the process; the pipeline sees it all the same.
    source.on('error', () => undefined);
    // The file is created before any byte flows, and the stream opens it with r+, which
    // never creates: if a refusal on the first chunk unlinks it before the stream's lazy
    // open, that open fails instead of leaving a file behind.
    await (await open(temp, 'wx', 0o600)).close();
    try {
      await pipeline(
        source,
        meter,
        createWriteStream(temp, { flags: 'r+', highWaterMark: WRITE_BUFFER }),
      );
      const handle = await open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.#path(key));
      await this.#syncDirectory();
    } catch (error) {
      // Drain what the client still sends so the reply can reach it.
      source.resume();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    return { key, size: meter.size, sha256: meter.hash.digest('hex'), head: meter.head };
  }

  read(key: string, range?: BlobRange): Readable {
    return createReadStream(this.#path(key), {
      highWaterMark: READ_BUFFER,
      ...(range ? { start: range.start, end: range.end } : {}),
    });
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.#path(key))).size;
    } catch {
      return undefined;
    }
  }

  async remove(key: string): Promise<void> {
    await unlink(this.#path(key)).catch(() => undefined);
    await this.#syncDirectory();
  }

  async sweep(
    isClaimed: (key: string) => boolean,
  ): Promise<{ temporary: number; orphans: number }> {
    let temporary = 0;
    let orphans = 0;
    for (const name of await readdir(this.directory)) {
      if (name.startsWith(TEMP_PREFIX)) {
        await unlink(path.join(this.directory, name)).catch(() => undefined);
        temporary += 1;
      } else if (KEY.test(name) && !isClaimed(name)) {
        await unlink(path.join(this.directory, name)).catch(() => undefined);
        orphans += 1;
      }
    }
    if (temporary + orphans > 0) await this.#syncDirectory();
    return { temporary, orphans };
  }

  /** Keys are generated here; anything else never reaches the filesystem. */
  #path(key: string): string {
    if (!KEY.test(key)) throw new Error('Invalid blob key');
    return path.join(this.directory, key);
  }

  async #syncDirectory(): Promise<void> {
    const dir = await open(this.directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
