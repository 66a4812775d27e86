/**
 * E-mail's configuration (README "Channels"): the relay, the addresses, DKIM and where delivery
 * reports are received. Without SMTP_HOST the outbox stays the only record of e-mail, as before.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SmtpConfig } from './SmtpMailer.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const mailEnvSchema = z.object({
  /** The relay (Postfix, the organisation's mail server, a cloud relay). */
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS, which is required. */
  SMTP_SECURE: bool.default('false'),
  /** Plain SMTP: only for a relay on this machine (the demo's and the tests' loopback relay). */
  SMTP_ALLOW_PLAIN: bool.default('false'),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  /** PEM file of the CA of the relay's certificate, when it is a private one. */
  SMTP_CA_FILE: z.string().optional(),
  MAIL_FROM: z.string().min(3).optional(),
  /** The return path: delivery reports come back to it (and so to MAIL_REPORTS_LISTEN). */
  MAIL_BOUNCE_ADDRESS: z.string().email().optional(),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().optional(),
  /** host:port where the relay hands delivery reports back (SMTP). */
  MAIL_REPORTS_LISTEN: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'MAIL_REPORTS_LISTEN is host:port')
    .optional(),
  /** Relay addresses allowed to hand reports back (comma-separated IPs); loopback by default. */
  MAIL_REPORTS_ALLOW: z.string().optional(),
});

export interface MailConfig {
  smtp: SmtpConfig;
  reports: { host: string; port: number; allow: string[] } | undefined;
}

export class MailConfigError extends Error {}

/** The e-mail gateway's settings, or undefined when no relay is configured. */
export function mailConfig(e: z.output<typeof mailEnvSchema>): MailConfig | undefined {
  if (!e.SMTP_HOST) return undefined;
  if (!e.MAIL_FROM || !e.MAIL_BOUNCE_ADDRESS)
    throw new MailConfigError('SMTP_HOST needs MAIL_FROM and MAIL_BOUNCE_ADDRESS');
  const dkimParts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY_FILE];
  if (dkimParts.some(Boolean) && !dkimParts.every(Boolean))
    throw new MailConfigError('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together');
  const [host, port] = e.MAIL_REPORTS_LISTEN?.split(':') ?? [];
  return {
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      allowPlain: e.SMTP_ALLOW_PLAIN,
      user: e.SMTP_USER,
      password: e.SMTP_PASSWORD,
      ca: e.SMTP_CA_FILE ? readFileSync(e.SMTP_CA_FILE, 'utf8') : undefined,
      from: e.MAIL_FROM,
      bounceAddress: e.MAIL_BOUNCE_ADDRESS,
      dkim:
        e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY_FILE
          ? {
              domainName: e.DKIM_DOMAIN,
              keySelector: e.DKIM_SELECTOR,
              privateKey: readFileSync(e.DKIM_PRIVATE_KEY_FILE, 'utf8'),
            }
          : undefined,
    },
    reports:
      host && port
        ? {
            host,
            port: Number(port),
            allow: (e.MAIL_REPORTS_ALLOW ?? '')
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
          }
        : undefined,
  };
}
