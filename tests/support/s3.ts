/**
 * An S3-compatible server for tests: the npm package s3rver (the S3 API over
 * files in a temporary directory) on a loopback port, with one bucket; and a
 * proxy in front of it that flips one byte in every upload's body, to show
 * that a store which keeps altered bytes is caught.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { ObjectStoreConfig } from '../../server/storage/S3BlobStore.js';

export interface TestObjectStore {
  endpoint: string;
  bucket: string;
  config: ObjectStoreConfig;
  /** The environment that selects this store (S3_*). */
  env: Record<string, string>;
  /** The objects under `prefix`, as the store lists them (key order). */
  list(prefix: string): Promise<{ key: string; size: number }[]>;
  close(): Promise<void>;
}

/** s3rver's fixed credentials; it checks signatures with them. */
const ACCESS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startObjectStore(bucket = 'mediation-test'): Promise<TestObjectStore> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'mediation-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: ACCESS,
  });
  return {
    endpoint,
    bucket,
    config: {
      bucket,
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      prefix: '',
      ...ACCESS,
    },
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: ACCESS.accessKeyId,
      S3_SECRET_ACCESS_KEY: ACCESS.secretAccessKey,
    },
    async list(prefix) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (page.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A proxy to `target` that flips the middle byte of every PUT body (an object or a part)
 * and passes everything else through; s3rver checks neither Content-MD5 nor SHA-256, so
 * the altered bytes are stored as a faulty disk or store would keep them.
 */
export async function startCorruptingProxy(
  target: string,
): Promise<{ endpoint: string; corrupted: () => number; close(): Promise<void> }> {
  const to = new URL(target);
  let corrupted = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'PUT' && body.length > 0) {
        const middle = body.length >> 1;
        body[middle] = body[middle]! ^ 0xff;
        corrupted += 1;
      }
      const upstream = http.request(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    corrupted: () => corrupted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
