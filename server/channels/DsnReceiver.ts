/**
 * Where delivery reports come back: a small SMTP listener (smtp-server, nodemailer's server
 * library) for the bounce address. The relay, or the recipient's system through it, sends
 * RFC 3464 reports here; each message's `message/delivery-status` part (dsn.ts) is handed on. Only the relay's addresses may connect (`allow`, loopback by default);
 * messages are capped at 256 KiB and anything that is not a report is accepted and ignored (a
 * mail system retries a refused message for days).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger.js';
import { deliveryStatusPart, parseDeliveryStatus, type DeliveryReport } from './dsn.js';

const MAX_BYTES = 256 * 1024;

export interface DsnReceiverOptions {
  host: string;
  port: number;
  /** Client addresses allowed to connect (exact IPs); empty: loopback only. */
  allow: readonly string[];
  logger: Logger;
  onReport: (report: DeliveryReport, raw: string) => Promise<void>;
}

export class DsnReceiver {
  readonly #o: DsnReceiverOptions;
  readonly #server: SMTPServer;

  constructor(o: DsnReceiverOptions) {
    this.#o = o;
    const allowed = (ip: string) =>
      o.allow.length === 0
        ? ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1'
        : o.allow.includes(ip.replace(/^::ffff:/, ''));
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: MAX_BYTES,
      banner: 'delivery reports',
      logger: false,
      onConnect: (session, callback) => {
        if (allowed(session.remoteAddress)) callback();
        else
          callback(Object.assign(new Error('Not a relay of this service'), { responseCode: 554 }));
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BYTES) chunks.push(c);
        });
        stream.on('end', () => {
          if (size > MAX_BYTES) {
            callback(Object.assign(new Error('Report too large'), { responseCode: 552 }));
            return;
          }
          this.#handle(Buffer.concat(chunks)).then(
            () => callback(),
            (error: unknown) => {
              // Our failure: the relay keeps the report and tries again later.
              this.#o.logger.error({ err: error }, 'delivery report not recorded');
              callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
            },
          );
        });
      },
    });
    this.#server.on('error', (error) => this.#o.logger.warn({ err: error }, 'report listener'));
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.server.once('error', reject);
      this.#server.listen(this.#o.port, this.#o.host, () => resolve());
    });
    return this.#server.server.address() as AddressInfo;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(raw: Buffer): Promise<void> {
    const text = raw.toString('utf8');
    const part = deliveryStatusPart(text);
    const report = part === null ? null : parseDeliveryStatus(part);
    if (!report) {
      this.#o.logger.info({ bytes: raw.length }, 'mail to the bounce address: no report');
      return;
    }
    await this.#o.onReport(report, text.slice(0, 16_384));
  }
}
