/**
 * Storage port of payment-order application packs (PaymentOrderService).
 * The SQLite implementation lives in server/db. A pack's record is written
 * inside `transaction()`, with its webhook delivery and its audit event.
 */

export interface PaymentOrderRecord {
  id: string;
  caseId: string;
  institutionId: string;
  /** The applicant the pack was made for. */
  requestedBy: string;
  /** Where the archive is stored. */
  path: string;
  sha256: string;
  size: number;
  fileCount: number;
  webhookDeliveryId: string | null;
  createdAt: string;
  createdBy: string;
}

export interface PaymentOrderRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  insert(pack: PaymentOrderRecord): Promise<void>;
  get(id: string): Promise<PaymentOrderRecord | undefined>;
  /** The case's packs, oldest first. */
  listByCase(caseId: string): Promise<PaymentOrderRecord[]>;
}
