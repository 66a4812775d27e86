/**
 * Deliveries to institutions' webhooks, kept in the database so a restart
 * neither loses nor repeats one: each is POSTed with its idempotency key
 * (the delivery id, the same on every attempt) and a signed token holding
 * the body's SHA-256 (JWS with the service key), retried with doubling
 * back-off on failure, and after the last attempt left as a dead letter the
 * clerk sees. Each attempt checks the address again and connects only to
 * the address it checked (webhookTarget.ts); a redirect is a failed attempt.
 * Of the institution's reply to the accepted attempt only the status and a
 * short excerpt marked as untrusted receiver text are kept (the receipt);
 * the delivery goes into the case's audit chain without anything the
 * receiver said, since that chain is sent to institutions.
 *
 * Every process sharing the database runs a dispatcher: each attempt is
 * claimed first (the delivery's next attempt moved a lease ahead, see
 * WebhookDeliveryRepository.claimDue), so one process makes it; a process
 * that dies mid-attempt leaves the delivery due again when the lease ends,
 * and its late outcome, should it only have stalled, is not recorded over
 * the newer attempt's.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Logger } from '../logger.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { ArchiveStore } from '../storage/archives.js';
import type { DueWebhookDelivery, WebhookDeliveryRepository } from './WebhookDeliveryRepository.js';
import { postToWebhook, resolveWebhookTarget, type WebhookPolicy } from './webhookTarget.js';

export const WEBHOOK_SIGNATURE_TYPE = 'mediation-webhook+jws';
const MAX_BACKOFF_MS = 3_600_000;
const TICK_MS = 250;
const REQUEST_TIMEOUT_MS = 10_000;
/** Attempts per tick, one after another. */
const ATTEMPTS_PER_TICK = 10;

export interface WebhookDelivery {
  id: string;
  institutionId: string;
  caseId: string;
  event: string;
  contentType: string;
  bodySha256: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  receipt: string | null;
}

export class WebhookDispatcher {
  readonly #repository: WebhookDeliveryRepository;
  readonly #audit: AuditLog;
  readonly #keys: ServiceKeys;
  readonly #archives: ArchiveStore;
  readonly #logger: Logger;
  readonly #retryBaseMs: number;
  readonly #maxAttempts: number;
  readonly #policy: WebhookPolicy;
  readonly #leaseMs: number;
  readonly #requestTimeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: {
    repository: WebhookDeliveryRepository;
    audit: AuditLog;
    keys: ServiceKeys;
    /** Where a queued file body (a bundle) is read from at each attempt. */
    archives: ArchiveStore;
    logger: Logger;
    retryBaseMs: number;
    maxAttempts: number;
    policy: WebhookPolicy;
    /** How long a claimed attempt is this process's (JOB_LEASE_MS). */
    leaseMs: number;
  }) {
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#keys = options.keys;
    this.#archives = options.archives;
    this.#logger = options.logger.child({ component: 'webhooks' });
    this.#retryBaseMs = options.retryBaseMs;
    this.#maxAttempts = options.maxAttempts;
    this.#policy = options.policy;
    this.#leaseMs = options.leaseMs;
    // An attempt ends well within its lease, so a live process never races its successor.
    this.#requestTimeoutMs = Math.min(REQUEST_TIMEOUT_MS, Math.floor(options.leaseMs / 3));
  }

  /** Queues a delivery (stored first: it survives a crash before the first attempt). */
  async enqueue(input: {
    institutionId: string;
    caseId: string;
    event: string;
    body: unknown;
  }): Promise<string> {
    const id = randomUUID();
    const body = JSON.stringify({ deliveryId: id, event: input.event, ...asObject(input.body) });
    await this.#insert(id, input, {
      body,
      sha256: sha256(body),
      path: null,
      type: 'application/json',
    });
    return id;
  }

  /**
   * Queues a file (a bundle) as the body: POSTed as `contentType`, its SHA-256
   * (known to the caller, who wrote it durably) in the signed header.
   */
  async enqueueFile(input: {
    institutionId: string;
    caseId: string;
    event: string;
    path: string;
    sha256: string;
    contentType: string;
  }): Promise<string> {
    const id = randomUUID();
    await this.#insert(id, input, {
      body: '',
      sha256: input.sha256,
      path: input.path,
      type: input.contentType,
    });
    return id;
  }

  async #insert(
    id: string,
    input: { institutionId: string; caseId: string; event: string },
    body: { body: string; sha256: string; path: string | null; type: string },
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.#repository.insert({
      id,
      institutionId: input.institutionId,
      caseId: input.caseId,
      event: input.event,
      body: body.body,
      bodySha256: body.sha256,
      bodyPath: body.path,
      contentType: body.type,
      createdAt: now,
    });
  }

  get(id: string): Promise<WebhookDelivery | undefined> {
    return this.#repository.get(id);
  }

  /** A dead letter queued again by the clerk (same id: the receiver's idempotency holds). */
  async retry(institutionId: string, id: string): Promise<WebhookDelivery | undefined> {
    await this.#repository.requeueDead(id, institutionId, new Date().toISOString());
    const d = await this.get(id);
    return d && d.institutionId === institutionId ? d : undefined;
  }

  list(institutionId: string): Promise<WebhookDelivery[]> {
    return this.#repository.listByInstitution(institutionId);
  }

  start(): void {
    this.#stopped = false;
    this.#timer ??= setInterval(() => {
      this.#running ??= this.#tick().finally(() => {
        this.#running = undefined;
      });
    }, TICK_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #tick(): Promise<void> {
    for (let i = 0; i < ATTEMPTS_PER_TICK && !this.#stopped; i++) {
      const now = Date.now();
      const row = await this.#repository.claimDue(
        new Date(now).toISOString(),
        new Date(now + this.#leaseMs).toISOString(),
      );
      if (!row) return;
      await this.#attempt(row);
    }
  }

  /** One claimed attempt (its count already includes it). */
  async #attempt(row: DueWebhookDelivery): Promise<void> {
    const d = row.delivery;
    const url = row.webhookUrl;
    const attempts = d.attempts;
    let error: string | null = null;
    let receipt: string | null = null;
    let status: number | null = null;
    if (!url) error = 'the institution has no webhook address';
    else if (row.revokedAt) error = 'the institution’s credential was revoked';
    else {
      const path = row.bodyPath;
      const signature = await this.#keys.sign(
        { deliveryId: d.id, sha256: d.bodySha256, iat: Math.floor(Date.now() / 1000) },
        WEBHOOK_SIGNATURE_TYPE,
      );
      try {
        const target = await resolveWebhookTarget(url, this.#policy);
        const reply = await postToWebhook(target, {
          headers: {
            'content-type': d.contentType,
            'idempotency-key': d.id,
            'x-mediation-event': d.event,
            'x-mediation-signature': signature,
          },
          body: path ? await this.#archives.read(path) : row.body,
          timeoutMs: this.#requestTimeoutMs,
        });
        status = reply.status;
        if (reply.status >= 200 && reply.status < 300)
          receipt = JSON.stringify({ status: reply.status, untrustedReceiverText: reply.excerpt });
        else if (reply.status >= 300 && reply.status < 400)
          error = `HTTP ${reply.status}: redirects are not followed`;
        else
          error = `HTTP ${reply.status}; untrusted receiver text: ${JSON.stringify(reply.excerpt)}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const now = new Date();
    if (receipt !== null) {
      const delivered = receipt;
      const recorded = await this.#repository.transaction(async () => {
        if (!(await this.#repository.markDelivered(d.id, attempts, now.toISOString(), delivered)))
          return false;
        await this.#audit.append({
          caseId: d.caseId,
          actorId: 'system',
          actorRole: 'system',
          action: 'institution.webhook-delivered',
          target: d.institutionId,
          // Nothing the receiver said: the chain goes to institutions inside references.
          payload: { deliveryId: d.id, event: d.event, sha256: d.bodySha256, attempts, status },
        });
        return true;
      });
      if (recorded) this.#logger.info({ deliveryId: d.id, attempts }, 'webhook delivered');
      else this.#lost(d.id, attempts);
      return;
    }
    const dead = attempts >= this.#maxAttempts;
    const delay = Math.min(MAX_BACKOFF_MS, this.#retryBaseMs * 2 ** (attempts - 1));
    const recorded = await this.#repository.markFailed(d.id, {
      status: dead ? 'dead' : 'pending',
      attempts,
      nextAttemptAt: new Date(now.getTime() + delay).toISOString(),
      lastError: error,
    });
    if (!recorded) {
      this.#lost(d.id, attempts);
      return;
    }
    this.#logger[dead ? 'error' : 'warn'](
      { deliveryId: d.id, attempts, error },
      dead ? 'webhook delivery given up (dead letter)' : 'webhook delivery failed; will retry',
    );
  }

  #lost(deliveryId: string, attempts: number): void {
    this.#logger.warn(
      { deliveryId, attempts },
      'webhook attempt outlived its lease; another process attempted it since, its outcome stands',
    );
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { data: value };
}
