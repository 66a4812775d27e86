/**
 * SMS leaves through a carrier's or an aggregator's SMSC over SMPP 3.4 (the `smpp` package:
 * the maintained Node implementation of the protocol, client and server). One transceiver bind
 * is kept open: messages are submitted on it and delivery receipts come back on it, so it is
 * re-bound (backoff 1 s doubling to 30 s) whenever it drops, also with nothing to send: receipts
 * for messages sent before a restart arrive on the new bind and are matched by the provider id
 * kept in the database (SmsDispatcher.ts).
 *
 * Texts go as UCS-2 with the sender's signature 【…】 first; up to 70 characters in
 * short_message, longer ones in message_payload (the SMSC splits them and answers with one id).
 * A receipt we cannot place yet (the id is not recorded: the submit's answer and the receipt
 * crossed) is answered "temporary application error", so the SMSC sends it again.
 */
import smpp, { type PDU, type Session } from 'smpp';
import type { OutboxMessage } from '../documents/model.js';
import type { Logger } from '../logger.js';
import { SendRefused, type ChannelTransport } from './GatewayDispatcher.js';
import { parseReceipt, type SmsReceipt } from './smsReceipt.js';
import { fromUcs2, signed, SINGLE_UCS2, ucs2 } from './smsText.js';

export interface SmppConfig {
  /** smpp://host:port, or ssmpp://host:port for TLS. */
  url: string;
  systemId: string;
  password: string;
  systemType: string;
  /** The sender id or number the carrier assigned (source_addr). */
  sender: string;
  /** 【signature】 first in every text, as carriers in China require. */
  signature: string;
  /** Milliseconds between enquire_link keep-alives. */
  enquireLinkMs: number;
  /** Milliseconds to wait for the bind or a submit's answer. */
  responseMs: number;
}

/** SMPP command_status values (SMPP 3.4 §5.1.3) the gateway tells apart. */
const STATUS = {
  ok: 0x00,
  invalidLength: 0x01,
  systemError: 0x08,
  invalidSource: 0x0a,
  invalidDestination: 0x0b,
  queueFull: 0x14,
  submitFailed: 0x45,
  throttled: 0x58,
  tempAppError: 0x64,
} as const;

/** Refusals no retry will change: the number or the text is wrong. */
const FINAL = new Set<number>([STATUS.invalidLength, STATUS.invalidDestination]);

const ESM_RECEIPT_MASK = 0x3c;
const ESM_DELIVERY_RECEIPT = 0x04;

export interface ReceiptInfo {
  receipt: SmsReceipt;
  /** The handset's number as the receipt names it (source_addr). */
  from: string;
  raw: string;
}

export class SmppGateway implements ChannelTransport {
  readonly #config: SmppConfig;
  readonly #logger: Logger;
  /** Places a receipt: true when recorded (or told before), false when its id is unknown yet. */
  onReceipt: (r: ReceiptInfo) => Promise<boolean> = () => Promise.resolve(false);
  #session: Session | undefined;
  #bound: Promise<Session> | undefined;
  #retryMs = 1_000;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: SmppConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger.child({ component: 'smpp' });
  }

  /** Binds now (receipts may be waiting), and keeps the bind. */
  start(): void {
    this.#closed = false;
    void this.#bind().catch(() => undefined);
  }

  async send(m: OutboxMessage): Promise<{ providerId: string; response: string }> {
    let session: Session;
    try {
      session = await this.#bind();
    } catch (error) {
      throw new SendRefused(`SMSC: ${(error as Error).message}`, false, (error as Error).message);
    }
    const text = signed(this.#config.signature, m.body);
    const bytes = ucs2(text);
    const fields: Record<string, unknown> = {
      source_addr_ton: /^\d+$/.test(this.#config.sender) ? 0 : 5,
      source_addr_npi: /^\d+$/.test(this.#config.sender) ? 1 : 0,
      source_addr: this.#config.sender,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: internationalNumber(m.address),
      data_coding: 8,
      registered_delivery: 1,
      ...(text.length <= SINGLE_UCS2 ? { short_message: bytes } : { message_payload: bytes }),
    };
    const answer = await this.#request(session, (cb) => session.submit_sm(fields, cb));
    const status = answer.command_status;
    const id = typeof answer['message_id'] === 'string' ? answer['message_id'] : '';
    if (status === STATUS.ok && id) return { providerId: id, response: `submit_sm_resp OK ${id}` };
    const response = `submit_sm_resp 0x${status.toString(16).padStart(8, '0')}`;
    throw new SendRefused(`SMSC refused the message (${response})`, FINAL.has(status), response);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const session = this.#session;
    this.#session = undefined;
    this.#bound = undefined;
    if (!session) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => {
        session.destroy();
        resolve();
      }, 2_000);
      session.unbind({}, () => {
        clearTimeout(done);
        session.close(() => resolve());
      });
    });
  }

  /** The bound session, binding first when there is none. */
  #bind(): Promise<Session> {
    if (this.#closed) return Promise.reject(new Error('gateway closed'));
    this.#bound ??= this.#connect().catch((error: unknown) => {
      this.#bound = undefined;
      this.#scheduleRebind();
      throw error;
    });
    return this.#bound;
  }

  #connect(): Promise<Session> {
    return new Promise<Session>((resolve, reject) => {
      const session = smpp.connect({
        url: this.#config.url,
        auto_enquire_link_period: this.#config.enquireLinkMs,
      });
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        session.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error('bind: no answer')), this.#config.responseMs);
      session.on('error', (error: Error) => {
        this.#logger.warn({ err: error.message }, 'SMPP connection error');
        fail(error);
        // A bound session that errs (a malformed PDU stops its reader) is dropped and re-bound.
        if (this.#session === session) session.destroy();
      });
      session.on('close', () => {
        clearTimeout(timer);
        fail(new Error('connection closed'));
        if (this.#session === session) {
          this.#session = undefined;
          this.#bound = undefined;
          this.#logger.warn('SMPP bind lost');
          this.#scheduleRebind();
        }
      });
      session.on('deliver_sm', (pdu: PDU) => this.#deliver(session, pdu));
      session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: PDU) => {
        session.send(pdu.response());
        session.close();
      });
      session.on('connect', () => {
        session.bind_transceiver(
          {
            system_id: this.#config.systemId,
            password: this.#config.password,
            system_type: this.#config.systemType,
            interface_version: 0x34,
          },
          (answer: PDU) => {
            clearTimeout(timer);
            if (answer.command_status !== STATUS.ok) {
              fail(new Error(`bind refused: 0x${answer.command_status.toString(16)}`));
              return;
            }
            settled = true;
            this.#session = session;
            this.#retryMs = 1_000;
            this.#logger.info({ url: this.#config.url }, 'SMPP bound (transceiver)');
            resolve(session);
          },
        );
      });
    });
  }

  #scheduleRebind(): void {
    if (this.#closed || this.#retry) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(30_000, this.#retryMs * 2);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#bind().catch(() => undefined);
    }, wait);
  }

  #request(session: Session, send: (cb: (pdu: PDU) => void) => boolean): Promise<PDU> {
    return new Promise<PDU>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SendRefused('SMSC: no answer to submit_sm', false, 'timeout')),
        this.#config.responseMs,
      );
      const written = send((pdu) => {
        clearTimeout(timer);
        resolve(pdu);
      });
      if (!written) {
        clearTimeout(timer);
        reject(new SendRefused('SMSC: connection not writable', false, 'not writable'));
      }
    });
  }

  /** A deliver_sm: a receipt is placed (or left for the SMSC to send again); any other is acked. */
  #deliver(session: Session, pdu: PDU): void {
    const esm = typeof pdu['esm_class'] === 'number' ? pdu['esm_class'] : 0;
    if ((esm & ESM_RECEIPT_MASK) !== ESM_DELIVERY_RECEIPT) {
      // A reply from a handset: the service takes no SMS replies; acknowledged and dropped.
      session.send(pdu.response());
      return;
    }
    const raw = receiptText(pdu);
    const receipt = parseReceipt(raw, {
      receiptedMessageId: pdu['receipted_message_id'],
      messageState: pdu['message_state'],
    });
    if (!receipt) {
      this.#logger.warn({ raw: raw.slice(0, 200) }, 'unreadable delivery receipt: dropped');
      session.send(pdu.response());
      return;
    }
    const from = typeof pdu['source_addr'] === 'string' ? pdu['source_addr'] : '';
    this.onReceipt({ receipt, from, raw })
      .then((placed) =>
        session.send(pdu.response(placed ? {} : { command_status: STATUS.tempAppError })),
      )
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'delivery receipt not recorded');
        session.send(pdu.response({ command_status: STATUS.tempAppError }));
      });
  }
}

/** The receipt's text, whichever way the SMSC encoded it. */
function receiptText(pdu: PDU): string {
  const value = pdu['short_message'] ?? pdu['message_payload'];
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'message' in value) {
    const m = (value as { message: unknown }).message;
    if (typeof m === 'string') return m;
    if (Buffer.isBuffer(m)) return pdu['data_coding'] === 8 ? fromUcs2(m) : m.toString('latin1');
  }
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return '';
}

/** A mainland mobile number in international form without '+': 8613800000000. */
export function internationalNumber(address: string): string {
  const digits = address.replace(/[^\d]/g, '');
  if (/^1\d{10}$/.test(digits)) return `86${digits}`;
  return digits;
}

/** Two numbers name the same handset (with or without the country code). */
export function sameNumber(a: string, b: string): boolean {
  return internationalNumber(a) === internationalNumber(b);
}
