/**
 * Sends the outbox's e-mail through the relay and turns the relay's answers and the delivery
 * reports into the record (issue 23):
 *
 * - queued messages are claimed one at a time with a lease (one node sends each), sent, and on
 *   the relay's acceptance marked `accepted` with its queue id and reply (audit
 *   `notification.accepted`);
 * - a refusal that is not final (connection, 4xx, our sign-in) is tried again with backoff
 *   (30 s doubling, at most an hour between tries, 8 tries); a final one (5xx to the recipient
 *   or the message), or the last try, fails the message;
 * - a delivery report (DsnReceiver.ts) names the message by its envelope id: `delivered` or
 *   `failed`, once (a repeated report changes nothing), with its status and the raw report
 *   kept (audit `notification.delivered` / `notification.bounced`);
 * - for a served document's notice, the outcome becomes a step of its delivery
 *   (DocumentService.channelOutcome: delivered, or failed with the fallback).
 */
import type { AuditLog } from '../audit/AuditLog.js';
import type { OutboxGateway } from '../documents/NotificationChannel.js';
import type { OutboxMessage } from '../documents/model.js';
import type { Logger } from '../logger.js';
import type { ChannelSendRepository } from './ChannelSendRepository.js';
import { outcomeOf, type DeliveryReport } from './dsn.js';
import { MailRefused, type SmtpMailer } from './SmtpMailer.js';

const TICK_MS = 1_000;
const LEASE_MS = 60_000;
const RETRY_BASE_MS = 30_000;
const MAX_BACKOFF_MS = 3_600_000;
const MAX_ATTEMPTS = 8;

export interface EmailOutcome {
  deliveryId: string;
  outcome: 'delivered' | 'failed';
  detail: Record<string, unknown>;
}

export interface EmailDispatcherOptions {
  sends: ChannelSendRepository;
  mailer: SmtpMailer;
  audit: AuditLog;
  logger: Logger;
  /** A served document's notice reached its recipient's system, or failed for good. */
  onOutcome: (o: EmailOutcome) => Promise<void>;
  retryBaseMs?: number;
  maxAttempts?: number;
  now?: () => Date;
}

export class EmailDispatcher implements OutboxGateway {
  readonly #o: EmailDispatcherOptions;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(o: EmailDispatcherOptions) {
    this.#o = o;
    this.#logger = o.logger.child({ component: 'email' });
    this.#now = o.now ?? (() => new Date());
  }

  handles(channel: string): boolean {
    return channel === 'email';
  }

  /**
   * Queues a recorded message; the next tick (within a second) sends it. Not sent from here:
   * the caller may be inside a transaction, and work started from it would run in it (a
   * rolled-back message must not have gone out).
   */
  async enqueue(message: OutboxMessage, deliveryId: string | null): Promise<void> {
    await this.#o.sends.enqueue(message.id, 'email', deliveryId, message.createdAt);
  }

  start(): void {
    this.#stopped = false;
    this.#timer ??= setInterval(() => this.poke(), TICK_MS);
  }

  /** Looks for due messages now, unless a look is under way. */
  poke(): void {
    if (this.#stopped || this.#timer === undefined) return;
    this.#running ??= this.#tick()
      .catch((error: unknown) => this.#logger.error({ err: error }, 'e-mail queue'))
      .finally(() => {
        this.#running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    this.#o.mailer.close();
  }

  async #tick(): Promise<void> {
    while (!this.#stopped) {
      const now = this.#now().getTime();
      const due = await this.#o.sends.claimDue(
        'email',
        new Date(now).toISOString(),
        new Date(now + LEASE_MS).toISOString(),
      );
      if (!due) return;
      await this.#attempt(due.message, due.send.attempts, due.send.deliveryId);
    }
  }

  async #attempt(m: OutboxMessage, attempts: number, deliveryId: string | null): Promise<void> {
    const at = () => this.#now().toISOString();
    try {
      const accepted = await this.#o.mailer.send({
        to: m.address,
        subject: m.subject,
        text: m.body,
        envelopeId: m.id,
      });
      await this.#o.sends.accepted(m.id, accepted.messageId, accepted.response, at());
      await this.#audit(m, 'notification.accepted', {
        queueId: accepted.messageId,
        response: accepted.response,
        attempts,
      });
      this.#logger.info({ messageId: m.id, attempts }, 'e-mail accepted by the relay');
      return;
    } catch (error) {
      const refused =
        error instanceof MailRefused ? error : new MailRefused(String(error), false, '');
      const final = refused.permanent || attempts >= (this.#o.maxAttempts ?? MAX_ATTEMPTS);
      const delay = Math.min(
        MAX_BACKOFF_MS,
        (this.#o.retryBaseMs ?? RETRY_BASE_MS) * 2 ** (attempts - 1),
      );
      const next = new Date(this.#now().getTime() + delay).toISOString();
      const response = refused.response || refused.message;
      await this.#o.sends.notSent(m.id, final, response, next, at());
      this.#logger.warn({ messageId: m.id, attempts, final, response }, 'e-mail not sent');
      if (!final) return;
      await this.#audit(m, 'notification.bounced', { response, attempts, by: 'relay' });
      if (deliveryId)
        await this.#o.onOutcome({
          deliveryId,
          outcome: 'failed',
          detail: { address: m.address, messageId: m.id, status: response, by: 'relay' },
        });
    }
  }

  /** A delivery report from the bounce address: the message it names, delivered or failed. */
  async report(report: DeliveryReport, raw: string): Promise<void> {
    if (!report.envelopeId) {
      this.#logger.info({ reportingMta: report.reportingMta }, 'delivery report without our id');
      return;
    }
    const send = await this.#o.sends.get(report.envelopeId);
    if (!send) return;
    for (const r of report.recipients) {
      const outcome = outcomeOf(r);
      if (outcome === 'pending') continue;
      const status = `${r.action} ${r.status}${r.diagnostic ? ` (${r.diagnostic})` : ''}`;
      if (
        !(await this.#o.sends.reported(
          send.messageId,
          outcome,
          status,
          raw,
          this.#now().toISOString(),
        ))
      )
        return; // told already
      const message = await this.#message(send.messageId);
      const detail = {
        address: r.finalRecipient,
        messageId: send.messageId,
        queueId: send.providerId,
        status: r.status,
        action: r.action,
        diagnostic: r.diagnostic,
        remoteMta: r.remoteMta,
        reportingMta: report.reportingMta,
      };
      if (message)
        await this.#audit(
          message,
          outcome === 'delivered' ? 'notification.delivered' : 'notification.bounced',
          detail,
        );
      if (send.deliveryId)
        await this.#o.onOutcome({ deliveryId: send.deliveryId, outcome, detail });
      return;
    }
  }

  async #message(id: string): Promise<OutboxMessage | undefined> {
    return this.#o.sends.message(id);
  }

  /** Into the case's audit chain (a message about no case, such as a sign-in notice, is logged only). */
  async #audit(m: OutboxMessage, action: string, payload: Record<string, unknown>): Promise<void> {
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
