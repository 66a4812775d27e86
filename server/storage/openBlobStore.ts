/**
 * The blob store of one area (evidence, documents): the S3-compatible object
 * store when one is configured (S3_BUCKET; every node of a cluster reads
 * what any node wrote), else files under the data directory.
 */
import path from 'node:path';
import type { BlobStore } from '../evidence/BlobStore.js';
import { FsBlobStore } from './FsBlobStore.js';
import { S3BlobStore, type ObjectStoreConfig } from './S3BlobStore.js';

export type BlobArea = 'evidence' | 'documents';

export async function openBlobStore(
  config: { dataDir: string; objectStore: ObjectStoreConfig | undefined },
  area: BlobArea,
): Promise<BlobStore> {
  if (config.objectStore) return S3BlobStore.open(config.objectStore, area);
  return FsBlobStore.open(path.join(config.dataDir, area));
}
