/**
 * E-mail leaves through the organisation's relay over SMTP (nodemailer: the maintained Node mail
 * library; TLS, DKIM and DSN requests built in). Each message asks the relay for delivery status
 * notifications (RFC 3461: NOTIFY=SUCCESS,FAILURE,DELAY, ENVID = our message id), so the
 * receiving system's acceptance or refusal comes back to the bounce address as a report
 * (DsnReceiver.ts). Messages are DKIM-signed when a key is configured.
 *
 * `send` resolves when the relay accepted the message (its queue id and reply are kept) and
 * rejects with `permanent: true` when the relay refused the recipient or the message for good
 * (a 5xx reply): no retry helps then.
 */
import nodemailer from 'nodemailer';
import { SendRefused } from './GatewayDispatcher.js';

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS, required unless `allowPlain`. */
  secure: boolean;
  /** Plain text to the relay: only for a relay on this machine (the tests' loopback server). */
  allowPlain: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** PEM of the CA the relay's certificate chains to, when it is not a public one. */
  ca?: string | undefined;
  /** From: header, e.g. `某某调解中心 <noreply@mediation.example.cn>`. */
  from: string;
  /** MAIL FROM (the return path): where delivery reports go. */
  bounceAddress: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

export interface MailOut {
  to: string;
  subject: string;
  text: string;
  /** Our id for the message: the DSN's ENVID and part of the Message-ID. */
  envelopeId: string;
}

export interface MailAccepted {
  messageId: string;
  response: string;
}

/** The relay refused the message: for good (a 5xx to the recipient or the message) or for now. */
export class MailRefused extends SendRefused {
  constructor(message: string, permanent: boolean, response: string) {
    super(message, permanent, response);
    this.name = 'MailRefused';
  }
}

export class SmtpMailer {
  readonly #config: SmtpConfig;
  readonly #transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(config: SmtpConfig) {
    this.#config = config;
    this.#transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: !config.secure && !config.allowPlain,
      ignoreTLS: config.allowPlain,
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
      tls: { ...(config.ca ? { ca: config.ca } : {}), minVersion: 'TLSv1.2' },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      ...(config.dkim ? { dkim: config.dkim } : {}),
    });
  }

  async send(mail: MailOut): Promise<MailAccepted> {
    const domain = this.#config.bounceAddress.split('@')[1] ?? 'localhost';
    try {
      const info = await this.#transport.sendMail({
        from: this.#config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.envelopeId}@${domain}>`,
        envelope: { from: this.#config.bounceAddress, to: [mail.to] },
        headers: { 'Auto-Submitted': 'auto-generated' },
        dsn: {
          id: mail.envelopeId,
          return: 'headers',
          notify: ['success', 'failure', 'delay'],
          recipient: mail.to,
        },
      });
      return { messageId: String(info.messageId), response: String(info.response) };
    } catch (error) {
      const e = error as {
        responseCode?: number;
        response?: string;
        message?: string;
        command?: string;
      };
      const code = e.responseCode ?? 0;
      // A 5xx to the recipient or the message is final; to sign-in or MAIL FROM it is ours to
      // fix, and the message waits for the next attempt.
      const aboutMessage = /^(RCPT|DATA)/i.test(e.command ?? '');
      throw new MailRefused(
        e.message ?? 'SMTP failure',
        code >= 500 && code < 600 && aboutMessage,
        e.response ?? e.message ?? '',
      );
    }
  }

  close(): void {
    this.#transport.close();
  }
}
