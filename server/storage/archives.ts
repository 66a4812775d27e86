/**
 * Where signed archives live (joint application bundles, payment-order
 * packs, statistics reports): files under the data directory by default, or objects in the
 * S3-compatible store (S3_BUCKET) that every node reads. A stored archive is
 * named by its location, kept in its row: an absolute file path, or
 * `blob:<area>/<key>`. Rows written before the object store was configured
 * keep their file paths and are still read from the files.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore } from '../evidence/BlobStore.js';
import { writeFileDurably } from './durableWrite.js';

export type ArchiveArea = 'bundles' | 'payment-orders' | 'reports';
const AREAS: readonly ArchiveArea[] = ['bundles', 'payment-orders', 'reports'];

/** An archive's bytes, or the buffers it is made of in order (stored without joining them). */
export type Archived = Buffer | readonly Buffer[];

export interface ArchiveStore {
  /**
   * Stores `bytes` durably; resolves with the location to keep in the archive's row. `owner` is
   * the case (or, for reports, the organisation) it belongs to; `ext` the file's extension.
   */
  put(area: ArchiveArea, owner: string, id: string, bytes: Archived, ext?: string): Promise<string>;
  read(location: string): Promise<Buffer>;
}

/** `<dataDir>/<area>/<owner>/<id>.<ext>` (zip by default), written durably. */
export class FileArchives implements ArchiveStore {
  readonly #dataDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  async put(
    area: ArchiveArea,
    owner: string,
    id: string,
    bytes: Archived,
    ext = 'zip',
  ): Promise<string> {
    const folder = path.join(this.#dataDir, area, owner);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFileDurably(folder, `${id}.${ext}`, bytes);
    return path.join(folder, `${id}.${ext}`);
  }

  read(location: string): Promise<Buffer> {
    if (location.startsWith(BLOB))
      throw new Error('archive in an object store not configured here');
    return readFile(location);
  }
}

const BLOB = 'blob:';

/** Archives as objects, one blob store per area; file locations of older rows still read. */
export class ObjectArchives implements ArchiveStore {
  readonly #stores: ReadonlyMap<ArchiveArea, BlobStore>;
  readonly #files: FileArchives;

  constructor(stores: ReadonlyMap<ArchiveArea, BlobStore>, files: FileArchives) {
    this.#stores = stores;
    this.#files = files;
  }

  async put(area: ArchiveArea, _caseId: string, _id: string, bytes: Archived): Promise<string> {
    const parts = Buffer.isBuffer(bytes) ? [bytes] : bytes;
    const size = parts.reduce((n, p) => n + p.length, 0);
    const blob = await this.#store(area).write(Readable.from(parts), { maxBytes: size });
    return `${BLOB}${area}/${blob.key}`;
  }

  async read(location: string): Promise<Buffer> {
    if (!location.startsWith(BLOB)) return this.#files.read(location);
    const [area, key] = location.slice(BLOB.length).split('/') as [string, string | undefined];
    if (!AREAS.includes(area as ArchiveArea) || !key)
      throw new Error(`not an archive location: ${location}`);
    const chunks: Buffer[] = [];
    for await (const chunk of this.#store(area as ArchiveArea).read(key))
      chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  #store(area: ArchiveArea): BlobStore {
    const store = this.#stores.get(area);
    if (!store) throw new Error(`no store for ${area}`);
    return store;
  }
}

export { AREAS as ARCHIVE_AREAS };
