/**
 * Blobs as objects in an S3-compatible store (AWS S3, MinIO, Ceph RGW, …),
 * so that every node of a cluster reads what any node wrote (issue 19).
 *
 * A write streams: the bytes are hashed, counted and inspected on the way
 * (`Meter`, as in the filesystem store), and sent in parts of `partBytes`
 * as they fill; nothing holds more than one part. A blob smaller than one
 * part goes in one PutObject, a larger one as a multipart upload. Each
 * request carries the Content-MD5 and the SHA-256 of its bytes, which the
 * store checks (S3, MinIO and Ceph refuse a request whose bytes differ).
 * The write is then verified against the store: its reported SHA-256 (for
 * a multipart object, the SHA-256 of the parts' digests, "-N") where it
 * reports one, else the object read back and hashed. A blob that does not
 * match is deleted and the write fails: the caller records no hash the
 * store does not hold. An object exists under its key only once complete
 * (S3's PutObject and CompleteMultipartUpload are atomic), and the caller
 * writes its database row only after that.
 *
 * Immutability where the store supports it: with `objectLockDays`, every
 * object is written under S3 Object Lock in COMPLIANCE mode until that many
 * days have passed (the bucket must have Object Lock enabled).
 *
 * The SDK is imported only when a store is opened: the embedded default
 * (the filesystem store) never loads it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobRange, BlobStore, BlobWriteOptions, StoredBlob } from '../evidence/BlobStore.js';
import { Meter, WRITE_BUFFER } from './meter.js';

type Sdk = typeof S3Sdk;

export interface ObjectStoreConfig {
  bucket: string;
  /** The store's URL (MinIO, Ceph, a test server); unset: AWS's endpoint for `region`. */
  endpoint?: string;
  region: string;
  /** Unset: the SDK's default credential chain (environment, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `bucket` in the path instead of the host name (MinIO and Ceph usually want it). */
  forcePathStyle: boolean;
  /** Prefixed to every key (several deployments in one bucket); '' for none. */
  prefix: string;
  /** Days every object is kept under Object Lock (COMPLIANCE); unset: no lock. */
  objectLockDays?: number;
}

export interface S3BlobStoreOptions {
  /** Bytes per upload part (S3: at least 5 MiB but for the last). */
  partBytes?: number;
  /**
   * The sweep leaves younger objects and uploads alone: another node may be
   * writing one whose database row is not there yet.
   */
  sweepMinAgeMs?: number;
}

const KEY = /^[0-9a-f-]{36}$/;
const MiB = 1024 * 1024;

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('base64');

/** The store's bytes are not the bytes that were sent. */
export class ObjectStoreIntegrityError extends Error {
  constructor(key: string, detail: string) {
    super(`object store holds different bytes for ${key}: ${detail}`);
    this.name = 'ObjectStoreIntegrityError';
  }
}

export class S3BlobStore implements BlobStore {
  readonly #sdk: Sdk;
  readonly #client: S3Client;
  readonly #config: ObjectStoreConfig;
  /** `prefix` + area + '/': where this store's objects live in the bucket. */
  readonly #root: string;
  readonly #partBytes: number;
  readonly #sweepMinAgeMs: number;

  private constructor(
    sdk: Sdk,
    client: S3Client,
    config: ObjectStoreConfig,
    area: string,
    options: S3BlobStoreOptions,
  ) {
    this.#sdk = sdk;
    this.#client = client;
    this.#config = config;
    this.#root = `${config.prefix}${area}/`;
    this.#partBytes = Math.max(5 * MiB, options.partBytes ?? 8 * MiB);
    this.#sweepMinAgeMs = options.sweepMinAgeMs ?? 60 * 60 * 1000;
  }

  /** Opens the store's `area` (evidence, documents) and checks that the bucket answers. */
  static async open(
    config: ObjectStoreConfig,
    area: string,
    options: S3BlobStoreOptions = {},
  ): Promise<S3BlobStore> {
    if (!/^[a-z][a-z0-9-]*$/.test(area)) throw new Error(`Invalid object store area: ${area}`);
    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.accessKeyId && config.secretAccessKey
        ? {
            credentials: {
              accessKeyId: config.accessKeyId,
              secretAccessKey: config.secretAccessKey,
            },
          }
        : {}),
      // The checksums are the ones this store computes and sends itself (SHA-256 and MD5
      // of each request's bytes); the SDK's own default (CRC32 in an aws-chunked trailer)
      // is not understood by every S3-compatible store.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: config.bucket }));
    } catch (error) {
      client.destroy();
      throw new Error(
        `object store: bucket ${config.bucket} does not answer at ${config.endpoint ?? `AWS ${config.region}`}: ${(error as Error).name}`,
        { cause: error },
      );
    }
    return new S3BlobStore(sdk, client, config, area, options);
  }

  close(): void {
    this.#client.destroy();
  }

  async write(source: Readable, options: BlobWriteOptions): Promise<StoredBlob> {
    const key = randomUUID();
    const objectKey = this.#objectKey(key);
    const meter = new Meter(options);
    const upload = new PartUpload(this.#requests(objectKey), this.#partBytes);
    // Until the pipeline below listens, an error of the source (a client that went away)
    // would have no listener and end the process; the pipeline sees it all the same.
    source.on('error', () => undefined);
    try {
      await pipeline(source, meter, upload);
      const digest = meter.hash.digest();
      await this.#verify(objectKey, meter.size, digest, upload.compositeDigest());
      return { key, size: meter.size, sha256: digest.toString('hex'), head: meter.head };
    } catch (error) {
      // Drain what the client still sends so the reply can reach it.
      source.resume();
      await upload.abort();
      if (upload.stored) await this.#delete(objectKey);
      throw error;
    }
  }

  read(key: string, range?: BlobRange): Readable {
    const out = new PassThrough({ highWaterMark: WRITE_BUFFER });
    const objectKey = this.#objectKey(key);
    // A reader that goes away before the reply (a download aborted at once) cancels the
    // request: an unread reply would hold one of the SDK's pooled connections for good,
    // and 50 such aborts left no connection for any read.
    const abort = new AbortController();
    out.once('close', () => abort.abort());
    this.#client
      .send(
        new this.#sdk.GetObjectCommand({
          Bucket: this.#config.bucket,
          Key: objectKey,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
        { abortSignal: abort.signal },
      )
      .then(
        (reply) => {
          const body = reply.Body as Readable | undefined;
          if (!body) {
            out.destroy(new Error(`object store: no body for ${objectKey}`));
            return;
          }
          // A reader that goes away (a download aborted) lets the store's connection go.
          if (out.destroyed) {
            body.destroy();
            return;
          }
          out.once('close', () => body.destroy());
          body.once('error', (error) => out.destroy(error));
          body.pipe(out);
        },
        (error: unknown) => out.destroy(error as Error),
      );
    return out;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.#client.send(
        new this.#sdk.HeadObjectCommand({ Bucket: this.#config.bucket, Key: this.#objectKey(key) }),
      );
      return head.ContentLength;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.#delete(this.#objectKey(key));
  }

  async sweep(
    isClaimed: (key: string) => boolean,
  ): Promise<{ temporary: number; orphans: number }> {
    const cutoff = Date.now() - this.#sweepMinAgeMs;
    const bucket = this.#config.bucket;
    let temporary = 0;
    let orphans = 0;
    // Uploads a node started and never finished (it died): aborted, their parts freed.
    try {
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      do {
        const page = await this.#client.send(
          new this.#sdk.ListMultipartUploadsCommand({
            Bucket: bucket,
            Prefix: this.#root,
            ...(keyMarker ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
          }),
        );
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated && u.Initiated.getTime() > cutoff)) continue;
          await this.#client
            .send(
              new this.#sdk.AbortMultipartUploadCommand({
                Bucket: bucket,
                Key: u.Key,
                UploadId: u.UploadId,
              }),
            )
            .then(() => (temporary += 1))
            .catch(() => undefined);
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (error) {
      // Stores without the listing (s3rver) leave it to a lifecycle rule
      // (AbortIncompleteMultipartUpload), as the README says.
      if (!isNotImplemented(error)) throw error;
    }
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new this.#sdk.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: this.#root,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(this.#root.length) ?? '';
        if (!KEY.test(name) || isClaimed(name)) continue;
        if (!object.LastModified || object.LastModified.getTime() > cutoff) continue;
        await this.#delete(object.Key!);
        orphans += 1;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { temporary, orphans };
  }

  /**
   * The object holds what was sent: its size, and its SHA-256 as the store reports it, or
   * (a store that reports none) as read back from it.
   */
  async #verify(
    objectKey: string,
    size: number,
    digest: Buffer,
    composite: string | undefined,
  ): Promise<void> {
    const head = await this.#client.send(
      new this.#sdk.HeadObjectCommand({
        Bucket: this.#config.bucket,
        Key: objectKey,
        ChecksumMode: 'ENABLED',
      }),
    );
    if (head.ContentLength !== size)
      throw new ObjectStoreIntegrityError(objectKey, `${head.ContentLength} bytes, ${size} sent`);
    const reported = head.ChecksumSHA256;
    if (reported) {
      const expected = composite ?? digest.toString('base64');
      if (reported !== expected)
        throw new ObjectStoreIntegrityError(objectKey, `SHA-256 ${reported}, ${expected} sent`);
      return;
    }
    const hash = createHash('sha256');
    await pipeline(
      this.read(objectKey.slice(this.#root.length)),
      new Writable({
        highWaterMark: WRITE_BUFFER,
        write(chunk: Buffer, _e, done) {
          hash.update(chunk);
          done();
        },
      }),
    );
    const readBack = hash.digest();
    if (!readBack.equals(digest))
      throw new ObjectStoreIntegrityError(
        objectKey,
        `read back SHA-256 ${readBack.toString('hex')}, ${digest.toString('hex')} sent`,
      );
  }

  async #delete(objectKey: string): Promise<void> {
    await this.#client
      .send(new this.#sdk.DeleteObjectCommand({ Bucket: this.#config.bucket, Key: objectKey }))
      // Under Object Lock a delete is refused; the object stays, unclaimed.
      .catch(() => undefined);
  }

  /** Keys are generated here; anything else never reaches the store. */
  #objectKey(key: string): string {
    if (!KEY.test(key)) throw new Error('Invalid blob key');
    return `${this.#root}${key}`;
  }

  /** The store's requests for one object's upload. */
  #requests(objectKey: string): UploadRequests {
    const Bucket = this.#config.bucket;
    const sdk = this.#sdk;
    const client = this.#client;
    const lock = this.#config.objectLockDays
      ? {
          ObjectLockMode: 'COMPLIANCE' as const,
          ObjectLockRetainUntilDate: new Date(
            Date.now() + this.#config.objectLockDays * 24 * 60 * 60 * 1000,
          ),
        }
      : {};
    return {
      put: async (body) => {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket,
            Key: objectKey,
            Body: body,
            ContentLength: body.length,
            ContentMD5: md5(body),
            ChecksumSHA256: sha256(body).toString('base64'),
            ...lock,
          }),
        );
      },
      create: async () => {
        const reply = await client.send(
          new sdk.CreateMultipartUploadCommand({
            Bucket,
            Key: objectKey,
            ChecksumAlgorithm: 'SHA256',
            ...lock,
          }),
        );
        if (!reply.UploadId) throw new Error('object store: no upload id');
        return reply.UploadId;
      },
      part: async (uploadId, partNumber, body, digest) => {
        const reply = await client.send(
          new sdk.UploadPartCommand({
            Bucket,
            Key: objectKey,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.length,
            ContentMD5: md5(body),
            ChecksumSHA256: digest.toString('base64'),
          }),
        );
        if (!reply.ETag) throw new Error('object store: no ETag for a part');
        return reply.ETag;
      },
      complete: async (uploadId, parts) => {
        await client.send(
          new sdk.CompleteMultipartUploadCommand({
            Bucket,
            Key: objectKey,
            UploadId: uploadId,
            MultipartUpload: {
              Parts: parts.map((p) => ({
                PartNumber: p.partNumber,
                ETag: p.etag,
                ChecksumSHA256: p.digest.toString('base64'),
              })),
            },
          }),
        );
      },
      abort: async (uploadId) => {
        await client
          .send(new sdk.AbortMultipartUploadCommand({ Bucket, Key: objectKey, UploadId: uploadId }))
          // Stores without it (s3rver) drop the parts by a lifecycle rule, or never.
          .catch(() => undefined);
      },
    };
  }
}

interface UploadRequests {
  put(body: Buffer): Promise<void>;
  create(): Promise<string>;
  part(uploadId: string, partNumber: number, body: Buffer, digest: Buffer): Promise<string>;
  complete(
    uploadId: string,
    parts: { partNumber: number; etag: string; digest: Buffer }[],
  ): Promise<void>;
  abort(uploadId: string): Promise<void>;
}

/**
 * The bytes of one object, sent in parts as they fill: one PutObject if the
 * stream ends before the first part is full, else a multipart upload. Each
 * part is awaited before more bytes are taken (back-pressure to the client).
 */
class PartUpload extends Writable {
  readonly #requests: UploadRequests;
  readonly #partBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #uploadId: string | undefined;
  readonly #parts: { partNumber: number; etag: string; digest: Buffer }[] = [];
  /** Whether an object now exists under the key (to delete if the write fails after). */
  stored = false;

  constructor(requests: UploadRequests, partBytes: number) {
    super({ highWaterMark: WRITE_BUFFER });
    this.#requests = requests;
    this.#partBytes = partBytes;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered < this.#partBytes) {
      done();
      return;
    }
    this.#sendPart().then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#finish().then(() => done(), done);
  }

  /** The SHA-256 a store reports for the multipart object: of the parts' digests, "-N". */
  compositeDigest(): string | undefined {
    if (this.#parts.length === 0) return undefined;
    const digests = Buffer.concat(this.#parts.map((p) => p.digest));
    return `${sha256(digests).toString('base64')}-${this.#parts.length}`;
  }

  /** Abandons an unfinished multipart upload, freeing its parts. */
  async abort(): Promise<void> {
    const uploadId = this.#uploadId;
    this.#uploadId = undefined;
    if (uploadId && !this.stored) await this.#requests.abort(uploadId);
  }

  #take(): Buffer {
    const body = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    return body;
  }

  async #sendPart(): Promise<void> {
    const body = this.#take();
    this.#uploadId ??= await this.#requests.create();
    const partNumber = this.#parts.length + 1;
    const digest = sha256(body);
    const etag = await this.#requests.part(this.#uploadId, partNumber, body, digest);
    this.#parts.push({ partNumber, etag, digest });
  }

  async #finish(): Promise<void> {
    if (!this.#uploadId) {
      await this.#requests.put(this.#take());
      this.stored = true;
      return;
    }
    if (this.#buffered > 0) await this.#sendPart();
    await this.#requests.complete(this.#uploadId, this.#parts);
    this.stored = true;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function isNotImplemented(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotImplemented' || e.$metadata?.httpStatusCode === 501;
}
