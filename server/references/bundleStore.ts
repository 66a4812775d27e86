/**
 * A signed archive on disk (a joint application bundle or a payment-order
 * pack): stored durably with its manifest signed, read back only while its
 * bytes still match the hash recorded with them; and its webhook delivery as
 * staff see it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fail } from '../errors.js';
import type { WebhookDelivery } from '../institutions/WebhookDispatcher.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import { writeFileDurably } from '../storage/durableWrite.js';
import { BUNDLE_TYPE, assembleBundle, sha256Of, type BundleManifest } from './bundle.js';

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
 * Signs an archive's manifest and stores the archive durably as
 * `<directory>/<caseId>/<id>.zip`: what every bundle and payment-order pack does.
 */
export async function storeSignedBundle(
  keys: ServiceKeys,
  directory: string,
  caseId: string,
  id: string,
  manifest: BundleManifest,
  files: ReadonlyMap<string, Buffer>,
): Promise<{ file: string; sha256: string; size: number }> {
  const zip = await assembleBundle(manifest, files, (m) => keys.sign(m, BUNDLE_TYPE));
  const folder = path.join(directory, caseId);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await writeFileDurably(folder, `${id}.zip`, zip);
  return { file: path.join(folder, `${id}.zip`), sha256: sha256Of(zip), size: zip.length };
}

/** A stored archive's bytes, refused when they no longer match the hash recorded with them. */
export async function readStoredBundle(file: string, sha256: string): Promise<Buffer> {
  const bytes = await readFile(file);
  if (sha256Of(bytes) !== sha256) {
    throw fail('STORED_ARCHIVE_ALTERED');
  }
  return bytes;
}
