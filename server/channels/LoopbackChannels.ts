/**
 * The demo's own mail relay and SMSC, on loopback (DEMO_CHANNELS, set by `npm start`): so a
 * newcomer sees the e-mail and SMS the service sends, through the same gateways a real relay and
 * carrier would get (SMTP with DSN, SMPP with delivery receipts), and the console's 演示：短信与邮件
 * page lists what arrived. They deliver nothing anywhere:
 *
 * - the relay accepts every message and reports it delivered (an RFC 3464 report to the
 *   service's report listener), except addresses at `*.invalid`, reported failed (5.1.1);
 * - the SMSC accepts every submit and reports it delivered half a second later, except numbers
 *   beginning 199999, reported undeliverable.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import smpp, { type PDU, type Server as SmppServer } from 'smpp';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger.js';
import { fromUcs2 } from './smsText.js';

const KEEP = 200;
export const DEMO_SMPP = { systemId: 'demo', password: 'demo' } as const;

export interface LoopbackMessage {
  channel: 'email' | 'sms';
  at: string;
  to: string;
  subject: string | null;
  text: string;
  /** The relay's queue id, or the SMSC's message id. */
  providerId: string;
  /** What the loopback system reported back. */
  reported: 'delivered' | 'failed';
}

export class LoopbackChannels {
  readonly #logger: Logger;
  readonly #messages: LoopbackMessage[] = [];
  #relay: SMTPServer | undefined;
  #smsc: SmppServer | undefined;
  #reportsPort = 0;
  #bounceAddress = '';
  #nextId = 0x5e0000;

  constructor(logger: Logger) {
    this.#logger = logger.child({ component: 'demo-channels' });
  }

  /** Newest first. */
  list(): LoopbackMessage[] {
    return [...this.#messages].reverse();
  }

  async startRelay(): Promise<number> {
    this.#relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      hideDSN: false,
      size: 1024 * 1024,
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const id = `DEMO${(this.#nextId++).toString(16).toUpperCase()}`;
          // Read before answering: the session's envelope is reset for the next message.
          const envid = session.envelope.dsn?.envid ?? null;
          const to = session.envelope.rcptTo.map((r) => r.address);
          callback(null, `queued as ${id}`);
          for (const address of to)
            void this.#mailArrived(Buffer.concat(chunks), address, id, envid);
        });
      },
    });
    return listen(this.#relay.server, () => this.#relay!.listen(0, '127.0.0.1'));
  }

  /** Where the relay sends its delivery reports, once the service's listener is up. */
  reportTo(port: number, bounceAddress: string): void {
    this.#reportsPort = port;
    this.#bounceAddress = bounceAddress;
  }

  async #mailArrived(raw: Buffer, to: string, id: string, envid: string | null): Promise<void> {
    const failed = /\.invalid$/i.test(to);
    try {
      // Loaded when the first message arrives: a fifth of a second no other start needs.
      const { simpleParser } = await import('mailparser');
      const parsed = await simpleParser(raw);
      this.#keep({
        channel: 'email',
        at: new Date().toISOString(),
        to,
        subject: parsed.subject ?? null,
        text: parsed.text ?? '',
        providerId: id,
        reported: failed ? 'failed' : 'delivered',
      });
      if (envid && this.#reportsPort) await this.#report(to, envid, failed);
    } catch (error) {
      this.#logger.warn({ err: error }, 'demo relay: no report sent');
    }
  }

  async #report(to: string, envid: string, failed: boolean): Promise<void> {
    const raw = [
      'From: Mail Delivery System <mailer-daemon@demo-relay.localhost>',
      `To: ${this.#bounceAddress}`,
      'Subject: Delivery Status Notification',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="demo"',
      '',
      '--demo',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `${to}: ${failed ? 'failed' : 'delivered'} (demo relay)`,
      '--demo',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; demo-relay.localhost',
      `Original-Envelope-Id: ${envid}`,
      '',
      `Final-Recipient: rfc822; ${to}`,
      `Action: ${failed ? 'failed' : 'delivered'}`,
      `Status: ${failed ? '5.1.1' : '2.0.0'}`,
      'Remote-MTA: dns; demo-mailbox.localhost',
      ...(failed ? ['Diagnostic-Code: smtp; 550 5.1.1 no such mailbox (demo)'] : []),
      '',
      '--demo--',
      '',
    ].join('\r\n');
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: this.#reportsPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await client.sendMail({
        envelope: { from: '', to: [this.#bounceAddress] },
        raw,
      });
    } finally {
      client.close();
    }
  }

  async startSmsc(): Promise<number> {
    this.#smsc = smpp.createServer({}, (session) => {
      session.on('error', () => undefined);
      session.on('bind_transceiver', (pdu: PDU) => {
        const ok =
          pdu['system_id'] === DEMO_SMPP.systemId && pdu['password'] === DEMO_SMPP.password;
        session.send(pdu.response(ok ? {} : { command_status: 0x0d }));
        if (!ok) session.close();
      });
      session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: PDU) => {
        session.send(pdu.response());
        session.close();
      });
      session.on('deliver_sm_resp', () => undefined);
      session.on('submit_sm', (pdu: PDU) => {
        const id = (this.#nextId++).toString(16);
        session.send(pdu.response({ message_id: id }));
        const to = String(pdu['destination_addr'] ?? '');
        const failed = /^(86)?199999/.test(to);
        this.#keep({
          channel: 'sms',
          at: new Date().toISOString(),
          to,
          subject: null,
          text: smsTextOf(pdu),
          providerId: id,
          reported: failed ? 'failed' : 'delivered',
        });
        setTimeout(() => {
          const stat = failed ? 'UNDELIV' : 'DELIVRD';
          session.deliver_sm({
            source_addr: to,
            destination_addr: String(pdu['source_addr'] ?? ''),
            esm_class: 0x04,
            short_message: `id:${id} sub:001 dlvrd:${failed ? '000' : '001'} submit date:${stamp()} done date:${stamp()} stat:${stat} err:${failed ? '001' : '000'} text:`,
            receipted_message_id: id,
            message_state: failed ? 5 : 2,
          });
        }, 500).unref();
      });
    });
    return listen(this.#smsc, () => this.#smsc!.listen(0, '127.0.0.1'));
  }

  async close(): Promise<void> {
    for (const s of this.#smsc?.sessions ?? []) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.#relay ? this.#relay.close(() => r()) : r())),
      new Promise<void>((r) => (this.#smsc ? this.#smsc.close(() => r()) : r())),
    ]);
  }

  #keep(m: LoopbackMessage): void {
    this.#messages.push(m);
    if (this.#messages.length > KEEP) this.#messages.shift();
    this.#logger.info({ channel: m.channel, to: m.to }, 'demo channel received a message');
  }
}

function listen(
  server: { once(e: 'listening', f: () => void): unknown; address(): AddressInfo | string | null },
  start: () => void,
): Promise<number> {
  return new Promise((resolve) => {
    server.once('listening', () => resolve((server.address() as AddressInfo).port));
    start();
  });
}

function smsTextOf(pdu: PDU): string {
  const value = pdu['message_payload'] ?? pdu['short_message'];
  const bytes =
    value && typeof value === 'object' && 'message' in value
      ? (value as { message: unknown }).message
      : value;
  if (typeof bytes === 'string') return bytes;
  if (Buffer.isBuffer(bytes)) return pdu['data_coding'] === 8 ? fromUcs2(bytes) : bytes.toString();
  return '';
}

/** YYMMDDhhmm, as receipts write dates. */
function stamp(): string {
  return new Date().toISOString().replace(/\D/g, '').slice(2, 12);
}
