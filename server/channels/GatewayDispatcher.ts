/**
 * Sends one channel's outbox messages through its gateway (an SMTP relay, an SMPP gateway) and
 * turns the gateway's answers and later reports into the record (issue 23):
 *
 * - queued messages are claimed one at a time with a lease (one node sends each), sent, and on
 *   the gateway's acceptance marked `accepted` with its id for the message and its reply (audit
 *   `notification.accepted`);
 * - a refusal that is not final (connection, throttling, our sign-in) is tried again with
 *   backoff (30 s doubling, at most an hour between tries, 8 tries); a final one (the recipient
 *   or the message refused), or the last try, fails the message;
 * - a report names the message (the e-mail's envelope id, the SMS's provider id): `delivered`
 *   or `failed`, once (a repeated report changes nothing), with its status and the raw report
 *   kept (audit `notification.delivered` / `notification.bounced`);
 * - for a served document's notice, the outcome becomes a step of its delivery
 *   (DocumentService.channelOutcome: delivered, or failed with the fallback).
 */
import type { AuditLog } from '../audit/AuditLog.js';
import type { OutboxGateway } from '../documents/NotificationChannel.js';
import type { OutboxMessage, ServiceChannel } from '../documents/model.js';
import type { Logger } from '../logger.js';
import type { ChannelSend, ChannelSendRepository } from './ChannelSendRepository.js';

const TICK_MS = 1_000;
const LEASE_MS = 60_000;
const RETRY_BASE_MS = 30_000;
const MAX_BACKOFF_MS = 3_600_000;
const MAX_ATTEMPTS = 8;

/** The gateway refused a message: for good (`permanent`), or for now. */
export class SendRefused extends Error {
  readonly permanent: boolean;
  readonly response: string;

  constructor(message: string, permanent: boolean, response: string) {
    super(message);
    this.name = 'SendRefused';
    this.permanent = permanent;
    this.response = response;
  }
}

/** How a message leaves: resolves with the gateway's id for it once the gateway took it. */
export interface ChannelTransport {
  send(message: OutboxMessage): Promise<{ providerId: string; response: string }>;
  close(): void | Promise<void>;
}

export interface ChannelOutcome {
  deliveryId: string;
  outcome: 'delivered' | 'failed';
  detail: Record<string, unknown>;
}

export interface GatewayDispatcherOptions {
  sends: ChannelSendRepository;
  audit: AuditLog;
  logger: Logger;
  /** A served document's notice reached its recipient's system, or failed for good. */
  onOutcome: (o: ChannelOutcome) => Promise<void>;
  retryBaseMs?: number;
  maxAttempts?: number;
  now?: () => Date;
}

export class GatewayDispatcher implements OutboxGateway {
  readonly channel: 'email' | 'sms';
  protected readonly logger: Logger;
  protected readonly now: () => Date;
  protected readonly sends: ChannelSendRepository;
  readonly #o: GatewayDispatcherOptions;
  readonly #transport: ChannelTransport;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(channel: 'email' | 'sms', transport: ChannelTransport, o: GatewayDispatcherOptions) {
    this.channel = channel;
    this.#transport = transport;
    this.#o = o;
    this.sends = o.sends;
    this.logger = o.logger.child({ component: channel });
    this.now = o.now ?? (() => new Date());
  }

  handles(channel: ServiceChannel): boolean {
    return channel === this.channel;
  }

  /**
   * Queues a recorded message; the next tick (within a second) sends it. Not sent from here:
   * the caller may be inside a transaction, and work started from it would run in it (a
   * rolled-back message must not have gone out).
   */
  async enqueue(message: OutboxMessage, deliveryId: string | null): Promise<void> {
    await this.sends.enqueue(message.id, this.channel, deliveryId, message.createdAt);
  }

  start(): void {
    this.#stopped = false;
    this.#timer ??= setInterval(() => this.poke(), TICK_MS);
  }

  /** Looks for due messages now, unless a look is under way. */
  poke(): void {
    if (this.#stopped || this.#timer === undefined) return;
    this.#running ??= this.#tick()
      .catch((error: unknown) => this.logger.error({ err: error }, `${this.channel} queue`))
      .finally(() => {
        this.#running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#transport.close();
  }

  async #tick(): Promise<void> {
    while (!this.#stopped) {
      const now = this.now().getTime();
      const due = await this.sends.claimDue(
        this.channel,
        new Date(now).toISOString(),
        new Date(now + LEASE_MS).toISOString(),
      );
      if (!due) return;
      await this.#attempt(due.message, due.send.attempts, due.send.deliveryId);
    }
  }

  async #attempt(m: OutboxMessage, attempts: number, deliveryId: string | null): Promise<void> {
    const at = () => this.now().toISOString();
    try {
      const accepted = await this.#transport.send(m);
      await this.sends.accepted(m.id, accepted.providerId, accepted.response, at());
      await this.audit(m, 'notification.accepted', {
        providerId: accepted.providerId,
        response: accepted.response,
        attempts,
      });
      this.logger.info({ messageId: m.id, attempts }, 'accepted by the gateway');
      return;
    } catch (error) {
      const refused =
        error instanceof SendRefused ? error : new SendRefused(String(error), false, '');
      const final = refused.permanent || attempts >= (this.#o.maxAttempts ?? MAX_ATTEMPTS);
      const delay = Math.min(
        MAX_BACKOFF_MS,
        (this.#o.retryBaseMs ?? RETRY_BASE_MS) * 2 ** (attempts - 1),
      );
      const next = new Date(this.now().getTime() + delay).toISOString();
      const response = refused.response || refused.message;
      await this.sends.notSent(m.id, final, response, next, at());
      this.logger.warn({ messageId: m.id, attempts, final, response }, 'not sent');
      if (!final) return;
      await this.audit(m, 'notification.bounced', { response, attempts, by: 'gateway' });
      if (deliveryId)
        await this.#o.onOutcome({
          deliveryId,
          outcome: 'failed',
          detail: { address: m.address, messageId: m.id, status: response, by: 'gateway' },
        });
    }
  }

  /**
   * A report's final word on a sent message, once: recorded, audited and, for a served
   * document's notice, handed to its delivery. False when it was told already.
   */
  protected async settle(
    send: ChannelSend,
    outcome: 'delivered' | 'failed',
    status: string,
    raw: string,
    detail: Record<string, unknown>,
  ): Promise<boolean> {
    if (
      !(await this.sends.reported(send.messageId, outcome, status, raw, this.now().toISOString()))
    )
      return false;
    const message = await this.sends.message(send.messageId);
    const full = { messageId: send.messageId, providerId: send.providerId, ...detail };
    if (message)
      await this.audit(
        message,
        outcome === 'delivered' ? 'notification.delivered' : 'notification.bounced',
        full,
      );
    if (send.deliveryId)
      await this.#o.onOutcome({ deliveryId: send.deliveryId, outcome, detail: full });
    return true;
  }

  /** Into the case's audit chain (a message about no case, such as a sign-in notice, is logged only). */
  protected async audit(
    m: OutboxMessage,
    action: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    if (!m.caseId) return;
    await this.#o.audit.append({
      caseId: m.caseId,
      actorId: 'system',
      actorRole: 'system',
      action,
      target: m.id,
      payload: {
        messageId: m.id,
        channel: m.channel,
        address: m.address,
        purpose: m.purpose,
        ...payload,
      },
    });
  }
}
