/**
 * The S3-compatible blob store against a real S3 API (s3rver on loopback):
 * streamed writes in parts with the SHA-256 computed on the way, reads whole
 * and by range, limits and refusals that leave nothing behind, a truncated
 * upload, a store that keeps altered bytes, and the sweep. Generated sizes
 * and chunkings are seeded.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.js';
import { ObjectStoreIntegrityError, S3BlobStore } from '../../server/storage/S3BlobStore.js';
import { startCorruptingProxy, startObjectStore, type TestObjectStore } from '../support/s3.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const SEED = 190_419;

/** `size` pseudo-random bytes from `seed` (xorshift32): the same bytes on every run. */
function bytes(size: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** `data` as a stream of chunks of the given sizes (cycled). */
function chunked(data: Buffer, sizes: number[] = [64 * 1024]): Readable {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return Readable.from(out);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('S3-compatible blob store', () => {
  let s3: TestObjectStore;
  let store: S3BlobStore;

  /** Keys in the bucket under `prefix`. */
  async function keys(prefix: string): Promise<string[]> {
    return (await s3.list(prefix)).map((o) => o.key);
  }

  beforeAll(async () => {
    s3 = await startObjectStore();
    store = await S3BlobStore.open(s3.config, 'evidence', { partBytes: PART });
  });

  afterAll(async () => {
    store?.close();
    await s3?.close();
  });

  it('streams a 13 MiB blob in parts, fixing the SHA-256 sha256sum would, and reads it back whole and by range', async () => {
    const data = bytes(13 * MiB + 12_345, SEED);
    const stored = await store.write(chunked(data, [70_001, 1_000_003, 333]), {
      maxBytes: 20 * MiB,
    });
    expect(stored.sha256).toBe(sha256(data));
    expect(stored.size).toBe(data.length);
    expect(stored.head.equals(data.subarray(0, 64 * 1024))).toBe(true);
    expect(await keys('evidence/')).toEqual([`evidence/${stored.key}`]);
    expect(await store.size(stored.key)).toBe(data.length);

    expect(sha256(await readAll(store.read(stored.key)))).toBe(stored.sha256);
    // A range across a part boundary, as a video player seeking would ask.
    const range = { start: PART - 100, end: 2 * PART + 17 };
    const part = await readAll(store.read(stored.key, range));
    expect(part.equals(data.subarray(range.start, range.end + 1))).toBe(true);
    await store.remove(stored.key);
    expect(await store.size(stored.key)).toBeUndefined();
  });

  it('keeps generated sizes and chunkings byte-exact, one object each', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 11 * MiB }),
        fc.array(fc.integer({ min: 1, max: 3 * MiB }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        async (size, sizes, seed) => {
          const data = bytes(size, seed);
          const stored = await store.write(chunked(data, sizes), { maxBytes: 12 * MiB });
          expect(stored.size).toBe(size);
          expect(stored.sha256).toBe(sha256(data));
          expect((await readAll(store.read(stored.key))).equals(data)).toBe(true);
          await store.remove(stored.key);
        },
      ),
      { seed: SEED, numRuns: 10, endOnFailure: true },
    );
    expect(await keys('evidence/')).toEqual([]);
  });

  it('refuses a blob over its limit, or one its content check refuses, and leaves no object', async () => {
    const tooLarge = store.write(chunked(bytes(9 * MiB, 7)), { maxBytes: 6 * MiB });
    await expect(tooLarge).rejects.toBeInstanceOf(AppError);
    await expect(tooLarge).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(tooLarge).rejects.toThrow(/exceeds/);

    const refused = store.write(chunked(bytes(100_000, 8)), {
      maxBytes: MiB,
      inspect: () => {
        throw new Error('not a PDF');
      },
    });
    await expect(refused).rejects.toThrow('not a PDF');
    expect(await keys('evidence/')).toEqual([]);
  });

  it('leaves nothing of a truncated upload, and the next upload is stored', async () => {
    const data = bytes(12 * MiB, 9);
    const source = new Readable({ read() {} });
    // 7 MiB (one part sent), then the client goes away.
    source.push(data.subarray(0, 7 * MiB));
    setTimeout(() => source.destroy(new Error('client aborted')), 50);
    await expect(store.write(source, { maxBytes: 20 * MiB })).rejects.toThrow('client aborted');
    expect(await keys('evidence/')).toEqual([]);

    const next = await store.write(chunked(data), { maxBytes: 20 * MiB });
    expect(next.sha256).toBe(sha256(data));
    await store.remove(next.key);
  });

  it('refuses bytes the store altered, small or in parts, and deletes what it kept', async () => {
    const proxy = await startCorruptingProxy(s3.endpoint);
    const faulty = await S3BlobStore.open({ ...s3.config, endpoint: proxy.endpoint }, 'documents', {
      partBytes: PART,
    });
    try {
      for (const size of [1_000, 11 * MiB]) {
        const write = faulty.write(chunked(bytes(size, size)), { maxBytes: 12 * MiB });
        await expect(write).rejects.toBeInstanceOf(ObjectStoreIntegrityError);
        await expect(write).rejects.toThrow(/read back SHA-256/);
      }
      expect(proxy.corrupted()).toBe(1 + 3);
      expect(await keys('documents/')).toEqual([]);
    } finally {
      faulty.close();
      await proxy.close();
    }
  });

  it('sweeps unclaimed objects older than its minimum age, and keeps claimed and young ones', async () => {
    const claimed = await store.write(chunked(bytes(10_000, 1)), { maxBytes: MiB });
    const orphan = await store.write(chunked(bytes(10_000, 2)), { maxBytes: MiB });
    // Another node may be between writing an object and its row: young objects stay.
    expect(await store.sweep((k) => k === claimed.key)).toEqual({ temporary: 0, orphans: 0 });
    const eager = await S3BlobStore.open(s3.config, 'evidence', { sweepMinAgeMs: -1_000 });
    try {
      expect(await eager.sweep((k) => k === claimed.key)).toEqual({ temporary: 0, orphans: 1 });
    } finally {
      eager.close();
    }
    expect(await store.size(orphan.key)).toBeUndefined();
    expect(sha256(await readAll(store.read(claimed.key)))).toBe(claimed.sha256);
    await store.remove(claimed.key);
  });

  it('lets the store’s connection go when a reader goes away before the reply arrives', async () => {
    const small = await store.write(chunked(bytes(200_000, 11)), { maxBytes: MiB });
    // More aborted downloads than the SDK's 50 pooled connections: each must give its back.
    for (let i = 0; i < 60; i++) store.read(small.key).destroy();
    const reading = readAll(store.read(small.key));
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no connection left for a read')), 10_000).unref(),
    );
    expect(sha256(await Promise.race([reading, timeout]))).toBe(small.sha256);
    await store.remove(small.key);
  });

  it('says so when a key is missing or the bucket does not answer', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await store.size(missing)).toBeUndefined();
    await expect(readAll(store.read(missing))).rejects.toThrow();
    expect(() => store.read('../etc/passwd')).toThrow('Invalid blob key');
    await expect(
      S3BlobStore.open({ ...s3.config, bucket: 'no-such-bucket' }, 'evidence'),
    ).rejects.toThrow(/bucket no-such-bucket does not answer/);
  });
});
