/**
 * Where e-mail and SMS messages (and in-app messages outside the live
 * socket) leave the service. The outbox records what would be sent, so a
 * real gateway can be plugged in behind the same port; the recorded rows are
 * also what an operator checks when a recipient says nothing arrived.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { DocumentRepository } from './DocumentRepository.js';
import type { OutboxMessage, ServiceChannel } from './model.js';

export interface OutgoingMessage {
  caseId: string;
  personId: string | null;
  channel: ServiceChannel;
  address: string;
  purpose: OutboxMessage['purpose'];
  subject: string;
  body: string;
}

export interface NotificationChannel {
  /** Queues the message; resolves when it is recorded (not when it reached anyone). */
  send(message: OutgoingMessage): Promise<{ id: string }>;
}

export class OutboxChannel implements NotificationChannel {
  readonly #repository: DocumentRepository;
  readonly #logger: Logger;
  readonly #now: () => Date;

  constructor(repository: DocumentRepository, logger: Logger, now: () => Date = () => new Date()) {
    this.#repository = repository;
    this.#logger = logger.child({ component: 'outbox' });
    this.#now = now;
  }

  async send(message: OutgoingMessage): Promise<{ id: string }> {
    const row: OutboxMessage = {
      id: randomUUID(),
      ...message,
      createdAt: this.#now().toISOString(),
    };
    await this.#repository.insertOutbox(row);
    this.#logger.info(
      { caseId: row.caseId, personId: row.personId, channel: row.channel, purpose: row.purpose },
      'message queued in the outbox',
    );
    return { id: row.id };
  }

  list(filter: { caseId?: string; personId?: string }): Promise<OutboxMessage[]> {
    return this.#repository.listOutbox(filter);
  }
}
