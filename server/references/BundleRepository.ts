/**
 * Storage port of joint application bundles (BundleService). The SQLite
 * implementation lives in server/db. A bundle's record is written inside
 * `transaction()`, with its webhook delivery and its audit event.
 */
import type { JointApplicationKind } from './referralRules.js';

export interface BundleRecord {
  id: string;
  caseId: string;
  institutionId: string;
  referralId: string;
  kind: JointApplicationKind;
  /** Where the archive is stored. */
  path: string;
  sha256: string;
  size: number;
  fileCount: number;
  webhookDeliveryId: string | null;
  createdAt: string;
  createdBy: string;
}

export interface BundleRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  insert(bundle: BundleRecord): Promise<void>;
  get(id: string): Promise<BundleRecord | undefined>;
  /** The case's bundles, oldest first. */
  listByCase(caseId: string): Promise<BundleRecord[]>;
}
