/** Notifications sent through a gateway (server/channels/): the queue and its reports; either database. */
import type {
  ChannelSend,
  ChannelSendRepository,
  ChannelSendStatus,
} from '../channels/ChannelSendRepository.js';
import type { OutboxMessage } from '../documents/model.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toSend(r: Row): ChannelSend {
  return {
    messageId: String(r['message_id']),
    channel: String(r['channel']),
    deliveryId: strOrNull(r['delivery_id']),
    status: String(r['status']) as ChannelSendStatus,
    attempts: Number(r['attempts']),
    nextAttemptAt: String(r['next_attempt_at']),
    providerId: strOrNull(r['provider_id']),
    providerStatus: strOrNull(r['provider_status']),
    report: strOrNull(r['report']),
    updatedAt: String(r['updated_at']),
  };
}

function toMessage(row: Row): OutboxMessage {
  return {
    id: String(row['message_id']),
    caseId: String(row['case_id']),
    personId: strOrNull(row['person_id']),
    channel: String(row['channel']) as OutboxMessage['channel'],
    address: String(row['address']),
    purpose: String(row['purpose']) as OutboxMessage['purpose'],
    subject: String(row['subject']),
    body: String(row['body']),
    createdAt: String(row['created_at']),
  };
}

export class SqlChannelSends implements ChannelSendRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  #write<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async enqueue(messageId: string, channel: string, deliveryId: string | null, at: string) {
    await this.#sql.run(
      `INSERT INTO channel_sends (message_id, channel, delivery_id, status, attempts, next_attempt_at, updated_at)
         VALUES (?, ?, ?, 'queued', 0, ?, ?)`,
      [messageId, channel, deliveryId, at, at],
    );
  }

  /** The next due message of `channel`, its attempt counted and leased until `leaseUntil`. */
  async claimDue(
    channel: string,
    now: string,
    leaseUntil: string,
  ): Promise<{ send: ChannelSend; message: OutboxMessage } | undefined> {
    const skipLocked = this.#sql.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    // Each write of the gateways' own work is a transaction of its own: on SQLite's one
    // connection, a bare statement would otherwise land in whatever transaction is open.
    const claimed = await this.#write(() =>
      this.#sql.get<{ message_id: string }>(
        `UPDATE channel_sends SET attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
         WHERE message_id = (SELECT message_id FROM channel_sends
                               WHERE channel = ? AND status = 'queued' AND next_attempt_at <= ?
                               ORDER BY next_attempt_at, message_id LIMIT 1${skipLocked})
         RETURNING message_id`,
        [leaseUntil, now, channel, now],
      ),
    );
    if (!claimed) return undefined;
    const row = await this.#sql.get<Row>(
      `SELECT s.*, o.case_id, o.person_id, o.address, o.purpose, o.subject, o.body, o.created_at
         FROM channel_sends s JOIN notification_outbox o ON o.id = s.message_id
        WHERE s.message_id = ?`,
      [claimed.message_id],
    );
    if (!row) return undefined;
    return { send: toSend(row), message: toMessage(row) };
  }

  /** The outbox message a send is of. */
  async message(messageId: string): Promise<OutboxMessage | undefined> {
    const row = await this.#sql.get<Row>(
      `SELECT s.message_id, s.channel, o.case_id, o.person_id, o.address, o.purpose, o.subject,
              o.body, o.created_at
         FROM channel_sends s JOIN notification_outbox o ON o.id = s.message_id
        WHERE s.message_id = ?`,
      [messageId],
    );
    return row ? toMessage(row) : undefined;
  }

  /** The relay took it: waits for its report. False when the row moved on meanwhile. */
  async accepted(messageId: string, providerId: string, response: string, at: string) {
    const r = await this.#write(() =>
      this.#sql.run(
        `UPDATE channel_sends SET status = 'accepted', provider_id = ?, provider_status = ?, updated_at = ?
         WHERE message_id = ? AND status = 'queued'`,
        [providerId, response, at, messageId],
      ),
    );
    return r.changes === 1;
  }

  /** Not sent this time: tried again at `nextAttemptAt`, or failed for good. */
  async notSent(messageId: string, final: boolean, response: string, nextAt: string, at: string) {
    await this.#write(() =>
      this.#sql.run(
        `UPDATE channel_sends SET status = ?, provider_status = ?, next_attempt_at = ?, updated_at = ?
         WHERE message_id = ? AND status = 'queued'`,
        [final ? 'failed' : 'queued', response, nextAt, at, messageId],
      ),
    );
  }

  /**
   * A delivery report: the final status, once (a repeated or late report changes nothing and
   * answers false).
   */
  async reported(
    messageId: string,
    status: 'delivered' | 'failed',
    providerStatus: string,
    report: string,
    at: string,
  ): Promise<boolean> {
    const r = await this.#write(() =>
      this.#sql.run(
        `UPDATE channel_sends SET status = ?, provider_status = ?, report = ?, updated_at = ?
         WHERE message_id = ? AND status IN ('queued', 'accepted')`,
        [status, providerStatus, report, at, messageId],
      ),
    );
    return r.changes === 1;
  }

  async get(messageId: string): Promise<ChannelSend | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM channel_sends WHERE message_id = ?', [
      messageId,
    ]);
    return r ? toSend(r) : undefined;
  }

  async byProviderId(channel: string, providerIds: readonly string[]): Promise<ChannelSend[]> {
    if (providerIds.length === 0) return [];
    const rows = await this.#sql.all<Row>(
      `SELECT * FROM channel_sends WHERE channel = ? AND provider_id IN (${providerIds.map(() => '?').join(', ')})`,
      [channel, ...providerIds],
    );
    return rows.map(toSend);
  }

  /** Every send of a case with its message, oldest first (staff see bounced addresses). */
  async listForCase(caseId: string): Promise<(ChannelSend & { address: string })[]> {
    const rows = await this.#sql.all<Row>(
      `SELECT s.*, o.address FROM channel_sends s JOIN notification_outbox o ON o.id = s.message_id
        WHERE o.case_id = ? ORDER BY o.created_at, s.message_id`,
      [caseId],
    );
    return rows.map((r) => ({ ...toSend(r), address: String(r['address']) }));
  }
}
