/**
 * What every blob store does to the bytes flowing into it: hashes them
 * (SHA-256), counts them against the write's limit and hands the first bytes
 * to the caller's content check, without ever holding the whole blob.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BlobWriteOptions } from '../evidence/BlobStore.js';
import { fail } from '../errors.js';

/**
 * Stream buffer for writes: with Node's 16 KiB default the server spent about
 * twice the baseline's CPU per GiB in per-chunk overhead (bench:upload); 1 MiB
 * costs a few MB per upload in flight.
 */
export const WRITE_BUFFER = 1024 * 1024;
export const HEAD_BYTES = 64 * 1024;

/** Hashes, counts and limits the bytes flowing through, and hands the head to an inspector. */
export class Meter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  head: Buffer = Buffer.alloc(0);
  #inspected = false;
  readonly #options: BlobWriteOptions;

  constructor(options: BlobWriteOptions) {
    super({ highWaterMark: WRITE_BUFFER });
    this.#options = options;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.#options.maxBytes) {
      done(fail('FILE_TOO_LARGE', { maxBytes: this.#options.maxBytes }));
      return;
    }
    if (!this.#inspected && this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
    }
    try {
      if (!this.#inspected && this.head.length >= HEAD_BYTES) this.#inspect();
    } catch (error) {
      done(error as Error);
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.#inspected) this.#inspect();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  #inspect(): void {
    this.#inspected = true;
    this.#options.inspect?.(this.head);
  }
}
