/**
 * Storage port of webhook deliveries (WebhookDispatcher): kept so a restart
 * neither loses nor repeats one. The implementation (SQLite or PostgreSQL)
 * lives in server/db. A caller queues inside its own transaction and awaits
 * it there (the delivery commits with the bundle or pack it carries).
 */
import type { WebhookDelivery } from './WebhookDispatcher.js';

export interface NewWebhookDelivery {
  id: string;
  institutionId: string;
  caseId: string;
  event: string;
  /** The JSON body, or '' when the body is the file at `bodyPath`. */
  body: string;
  bodySha256: string;
  bodyPath: string | null;
  contentType: string;
  createdAt: string;
}

/** A pending delivery whose time has come, with what its attempt needs. */
export interface DueWebhookDelivery {
  delivery: WebhookDelivery;
  body: string;
  bodyPath: string | null;
  /** The institution's address now (null: none). */
  webhookUrl: string | null;
  /** Set when the institution's credential was revoked. */
  revokedAt: string | null;
}

export interface WebhookDeliveryRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Stores a pending delivery, first attempt due at once. */
  insert(delivery: NewWebhookDelivery): Promise<void>;
  get(id: string): Promise<WebhookDelivery | undefined>;
  /** A dead letter of the institution back to pending, attempts from zero; others untouched. */
  requeueDead(id: string, institutionId: string, at: string): Promise<void>;
  /** The institution's deliveries, oldest first. */
  listByInstitution(institutionId: string): Promise<WebhookDelivery[]>;
  /**
   * Claims the earliest pending delivery due at `now` for one attempt: counts
   * the attempt and moves its next attempt to `leaseUntil`, so no other
   * process takes it meanwhile and, should this one die, another takes it
   * over then. Deliveries another process is claiming are skipped.
   */
  claimDue(now: string, leaseUntil: string): Promise<DueWebhookDelivery | undefined>;
  /**
   * Records the claimed attempt (`attempts`, as claimed) as accepted; false
   * when the claim was lost meanwhile (another process attempted it since).
   */
  markDelivered(id: string, attempts: number, at: string, receipt: string): Promise<boolean>;
  /** Records the claimed attempt as failed, retried at `nextAttemptAt` or dead; false when lost. */
  markFailed(
    id: string,
    outcome: {
      status: 'pending' | 'dead';
      attempts: number;
      nextAttemptAt: string;
      lastError: string | null;
    },
  ): Promise<boolean>;
}
