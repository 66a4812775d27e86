/**
 * Where e-mail and SMS messages (and in-app messages outside the live
 * socket) leave the service. The outbox records every message; a channel with
 * a gateway configured (server/channels/: an SMTP relay, an SMPP gateway) also
 * queues it for sending there. The recorded rows are what an operator checks
 * when a recipient says nothing arrived.
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
  /** The delivery of a served document this notice is for: its reports become delivery steps. */
  deliveryId?: string;
}

export interface NotificationChannel {
  /** Queues the message; resolves when it is recorded (not when it reached anyone). */
  send(message: OutgoingMessage): Promise<{ id: string }>;
}

/** A gateway that sends a channel's messages from the outbox (server/channels/). */
export interface OutboxGateway {
  handles(channel: ServiceChannel): boolean;
  /** Queues a recorded message for sending. */
  enqueue(message: OutboxMessage, deliveryId: string | null): Promise<void>;
}

export class OutboxChannel implements NotificationChannel {
  readonly #repository: DocumentRepository;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #gateways: OutboxGateway[] = [];

  readonly #atomically: <T>(work: () => Promise<T>) => Promise<T>;

  /**
   * `atomically` runs the outbox row and the gateway's queue entry as one transaction (the
   * database's), so a message is never recorded without being queued, or queued unrecorded.
   */
  constructor(
    repository: DocumentRepository,
    logger: Logger,
    now: () => Date = () => new Date(),
    atomically: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
  ) {
    this.#repository = repository;
    this.#logger = logger.child({ component: 'outbox' });
    this.#now = now;
    this.#atomically = atomically;
  }

  /** From now on, messages of the gateway's channel are also queued for it. */
  useGateway(gateway: OutboxGateway): void {
    this.#gateways.push(gateway);
  }

  async send(message: OutgoingMessage): Promise<{ id: string }> {
    const { deliveryId, ...fields } = message;
    const row: OutboxMessage = {
      id: randomUUID(),
      ...fields,
      createdAt: this.#now().toISOString(),
    };
    const gateway = this.#gateways.find((g) => g.handles(row.channel));
    await this.#atomically(async () => {
      await this.#repository.insertOutbox(row);
      if (gateway) await gateway.enqueue(row, deliveryId ?? null);
    });
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
