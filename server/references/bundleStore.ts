/**
 * A signed archive (a joint application bundle or a payment-order pack):
 * stored durably (storage/archives.ts) with its manifest signed, read back only while its
 * bytes still match the hash recorded with them; and its webhook delivery as
 * staff see it.
 */
import { createHash } from 'node:crypto';
import { fail } from '../errors.js';
import type { WebhookDelivery } from '../institutions/WebhookDispatcher.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { ArchiveArea, ArchiveStore } from '../storage/archives.js';
import { BUNDLE_TYPE, assembleBundleParts, sha256Of, type BundleManifest } from './bundle.js';

/** A bundle's or pack's webhook delivery as staff see it. */
export type WebhookDeliveryView = Pick<
  WebhookDelivery,
  'id' | 'status' | 'attempts' | 'nextAttemptAt' | 'deliveredAt' | 'lastError' | 'receipt'
>;

export function webhookDeliveryView(d: WebhookDelivery | undefined): WebhookDeliveryView | null {
  return d
    ? {
        id: d.id,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.nextAttemptAt,
        deliveredAt: d.deliveredAt,
        lastError: d.lastError,
        receipt: d.receipt,
      }
    : null;
}

/**
 * Signs an archive's manifest and stores the archive durably in `archives` (files under
 * `<dataDir>/<area>/<caseId>/<id>.zip`, or the object store): what every bundle and
 * payment-order pack does. `file` is the archive's location, kept in its row.
 */
export async function storeSignedBundle(
  keys: ServiceKeys,
  archives: ArchiveStore,
  area: ArchiveArea,
  caseId: string,
  id: string,
  manifest: BundleManifest,
  /** Each file whole, or as the buffers it was read in. */
  files: ReadonlyMap<string, Buffer | readonly Buffer[]>,
): Promise<{ file: string; sha256: string; size: number }> {
  const parts = await assembleBundleParts(manifest, files, (m) => keys.sign(m, BUNDLE_TYPE));
  const stored = archives.put(area, caseId, id, parts);
  // Hashed while the write goes on (it runs off this thread): yielding after each large part
  // lets the write move on to the next one.
  const hash = createHash('sha256');
  let size = 0;
  for (const part of parts) {
    hash.update(part);
    size += part.length;
    if (part.length >= YIELD_AFTER) await new Promise((resolve) => setImmediate(resolve));
  }
  return { file: await stored, sha256: hash.digest('hex'), size };
}

/** Parts at least this large are hashed one at a time between steps of the write. */
const YIELD_AFTER = 2 ** 20;

/** A stored archive's bytes, refused when they no longer match the hash recorded with them. */
export async function readStoredBundle(
  archives: ArchiveStore,
  location: string,
  sha256: string,
): Promise<Buffer> {
  const bytes = await archives.read(location);
  if (sha256Of(bytes) !== sha256) {
    throw fail('STORED_ARCHIVE_ALTERED');
  }
  return bytes;
}
