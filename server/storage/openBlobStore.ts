/**
 * The blob store of one area (evidence, documents) and the archive store:
 * the S3-compatible object store when one is configured (S3_BUCKET; every
 * node of a cluster reads what any node wrote), else files under the data
 * directory.
 */
import path from 'node:path';
import type { BlobStore } from '../evidence/BlobStore.js';
import {
  ARCHIVE_AREAS,
  FileArchives,
  ObjectArchives,
  type ArchiveArea,
  type ArchiveStore,
} from './archives.js';
import { FsBlobStore } from './FsBlobStore.js';
import { S3BlobStore, type ObjectStoreConfig } from './S3BlobStore.js';

/**
 * `recording-segments`: each finished segment of a capture; `recording-files`: a recording's
 * finished files, on several nodes only (server/recordingService/segments.ts, stored.ts).
 */
export type BlobArea = 'evidence' | 'documents' | 'recording-segments' | 'recording-files';

export async function openBlobStore(
  config: { dataDir: string; objectStore: ObjectStoreConfig | undefined },
  area: BlobArea,
): Promise<BlobStore> {
  if (config.objectStore) return S3BlobStore.open(config.objectStore, area);
  return FsBlobStore.open(path.join(config.dataDir, area));
}

/** Bundles' and payment-order packs' store, and the blob stores it opened (to close). */
export async function openArchives(config: {
  dataDir: string;
  objectStore: ObjectStoreConfig | undefined;
}): Promise<{ archives: ArchiveStore; stores: BlobStore[] }> {
  const files = new FileArchives(config.dataDir);
  if (!config.objectStore) return { archives: files, stores: [] };
  const stores = new Map<ArchiveArea, BlobStore>();
  for (const area of ARCHIVE_AREAS)
    stores.set(area, await S3BlobStore.open(config.objectStore, area));
  return { archives: new ObjectArchives(stores, files), stores: [...stores.values()] };
}

/**
 * The recordings' stores: segments (files under the data directory, or the object store),
 * and with an object store the finished files every node reads.
 */
export async function openRecordingStores(config: {
  dataDir: string;
  objectStore: ObjectStoreConfig | undefined;
}): Promise<{ segments: BlobStore; files: BlobStore | undefined; all: BlobStore[] }> {
  // Working copies, removed once their recording is sealed: never under Object Lock.
  const segments = await openBlobStore(
    {
      ...config,
      objectStore: config.objectStore && { ...config.objectStore, objectLockDays: undefined },
    },
    'recording-segments',
  );
  const files = config.objectStore ? await openBlobStore(config, 'recording-files') : undefined;
  return { segments, files, all: files ? [segments, files] : [segments] };
}
