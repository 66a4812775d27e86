/**
 * Where evidence and document bytes live: files under the data directory
 * (storage/FsBlobStore.ts, the embedded default) or an S3-compatible object
 * store (storage/S3BlobStore.ts, S3_BUCKET), which every node of a cluster reads.
 */
import type { Readable } from 'node:stream';

export interface StoredBlob {
  key: string;
  size: number;
  sha256: string;
  /** The first bytes (up to 64 KiB), for content checks. */
  head: Buffer;
}

export interface BlobWriteOptions {
  /** Hard limit; the write fails with PayloadTooLargeError as soon as it is passed. */
  maxBytes: number;
  /** Called once with the first bytes; throwing aborts the write and removes what was written. */
  inspect?: (head: Buffer) => void;
}

export interface BlobRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** Streams `source` into the store, hashing it on the way; durable when it resolves. */
  write(source: Readable, options: BlobWriteOptions): Promise<StoredBlob>;
  read(key: string, range?: BlobRange): Readable;
  size(key: string): Promise<number | undefined>;
  remove(key: string): Promise<void>;
  /** Removes unfinished writes and blobs no record claims; returns what was removed. */
  sweep(isClaimed: (key: string) => boolean): Promise<{ temporary: number; orphans: number }>;
  /** Lets the store's connections go (the server shutting down). */
  close?(): void;
}
