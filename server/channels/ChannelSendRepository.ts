/** What the e-mail and SMS gateways keep of each message it sends; SqlChannelSends in server/db. */
import type { OutboxMessage } from '../documents/model.js';

export type ChannelSendStatus = 'queued' | 'accepted' | 'delivered' | 'failed';

export interface ChannelSend {
  messageId: string;
  channel: string;
  deliveryId: string | null;
  status: ChannelSendStatus;
  attempts: number;
  nextAttemptAt: string;
  providerId: string | null;
  providerStatus: string | null;
  report: string | null;
  updatedAt: string;
}

export interface ChannelSendRepository {
  enqueue(messageId: string, channel: string, deliveryId: string | null, at: string): Promise<void>;
  /** The next due message of `channel`, its attempt counted and leased until `leaseUntil`. */
  claimDue(
    channel: string,
    now: string,
    leaseUntil: string,
  ): Promise<{ send: ChannelSend; message: OutboxMessage } | undefined>;
  /** The relay took it: waits for its report. False when the row moved on meanwhile. */
  accepted(messageId: string, providerId: string, response: string, at: string): Promise<boolean>;
  /** Not sent this time: tried again at `nextAt`, or failed for good (`final`). */
  notSent(
    messageId: string,
    final: boolean,
    response: string,
    nextAt: string,
    at: string,
  ): Promise<void>;
  /** A report's final status, once: a repeated or late report changes nothing (false). */
  reported(
    messageId: string,
    status: 'delivered' | 'failed',
    providerStatus: string,
    report: string,
    at: string,
  ): Promise<boolean>;
  get(messageId: string): Promise<ChannelSend | undefined>;
  /** The sends of `channel` whose provider id is one of `providerIds` (an SMS receipt's). */
  byProviderId(channel: string, providerIds: readonly string[]): Promise<ChannelSend[]>;
  message(messageId: string): Promise<OutboxMessage | undefined>;
  /** Every send of a case with its address, oldest first (staff see bounced addresses). */
  listForCase(caseId: string): Promise<(ChannelSend & { address: string })[]>;
}
