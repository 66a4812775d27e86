/**
 * Storage port of webhook deliveries (WebhookDispatcher): kept so a restart
 * neither loses nor repeats one. The SQLite implementation lives in
 * server/db. Queuing is synchronous so a caller can queue inside its own
 * transaction (the delivery commits with the bundle or pack it carries).
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
  insert(delivery: NewWebhookDelivery): void;
  get(id: string): WebhookDelivery | undefined;
  /** A dead letter of the institution back to pending, attempts from zero; others untouched. */
  requeueDead(id: string, institutionId: string, at: string): void;
  /** The institution's deliveries, oldest first. */
  listByInstitution(institutionId: string): WebhookDelivery[];
  /** Pending deliveries due at `now`, earliest first, at most `limit`. */
  due(now: string, limit: number): Promise<DueWebhookDelivery[]>;
  markDelivered(id: string, attempts: number, at: string, receipt: string): Promise<void>;
  markFailed(
    id: string,
    outcome: {
      status: 'pending' | 'dead';
      attempts: number;
      nextAttemptAt: string;
      lastError: string | null;
    },
  ): Promise<void>;
}
