/**
 * Part of the composition root: the outbox's gateways (server/channels/). E-mail through the
 * configured SMTP relay with delivery reports, SMS through the configured SMSC with delivery
 * receipts; without either the outbox is the only record of that channel. With DEMO_CHANNELS
 * (npm start), a channel that has no real gateway configured goes to the demo's loopback relay or
 * SMSC, whose messages the console lists.
 */
import type { AuditLog } from '../audit/AuditLog.js';
import { DsnReceiver } from '../channels/DsnReceiver.js';
import { EmailDispatcher } from '../channels/EmailDispatcher.js';
import { DEMO_SMPP, LoopbackChannels, type LoopbackMessage } from '../channels/LoopbackChannels.js';
import type { MailConfig } from '../channels/mailConfig.js';
import type { SmppConfig } from '../channels/SmppGateway.js';
import { SmsDispatcher } from '../channels/SmsDispatcher.js';
import { SmtpMailer } from '../channels/SmtpMailer.js';
import type { Config } from '../config.js';
import { SqlChannelSends } from '../db/SqlChannelSends.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import type { DocumentService } from '../documents/DocumentService.js';
import type { OutboxChannel } from '../documents/NotificationChannel.js';
import type { Logger } from '../logger.js';

/** The gateways' background work, started once the server listens. */
export interface Channels {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Where delivery reports are received, when configured (tests hand reports to it). */
  reportsPort(): number | undefined;
  /** What the demo's loopback relay and SMSC received; undefined outside the demo. */
  demoMessages(): LoopbackMessage[] | undefined;
}

function demoMail(relayPort: number): MailConfig {
  return {
    smtp: {
      host: '127.0.0.1',
      port: relayPort,
      secure: false,
      allowPlain: true,
      from: '劳动人事争议调解（演示） <noreply@mediation-demo.localhost>',
      bounceAddress: 'bounces@mediation-demo.localhost',
    },
    reports: { host: '127.0.0.1', port: 0, allow: [] },
  };
}

function demoSms(smscPort: number, signature: string): SmppConfig {
  return {
    url: `smpp://127.0.0.1:${smscPort}`,
    ...DEMO_SMPP,
    systemType: '',
    sender: '10690000',
    signature,
    enquireLinkMs: 30_000,
    responseMs: 10_000,
  };
}

export function composeChannels(
  p: { database: SqlClient; audit: AuditLog; config: Config; logger: Logger },
  outbox: OutboxChannel,
  documents: Pick<DocumentService, 'channelOutcome'>,
): Channels {
  const base = {
    sends: new SqlChannelSends(p.database),
    audit: p.audit,
    logger: p.logger,
  };
  const demo =
    p.config.demoChannels && (!p.config.mail || !p.config.sms)
      ? new LoopbackChannels(p.logger)
      : undefined;
  let email: EmailDispatcher | undefined;
  let sms: SmsDispatcher | undefined;
  let receiver: DsnReceiver | undefined;
  let port: number | undefined;
  return {
    async start() {
      const mail = p.config.mail ?? (demo ? demoMail(await demo.startRelay()) : undefined);
      const smpp =
        p.config.sms ?? (demo ? demoSms(await demo.startSmsc(), '劳动争议调解演示') : undefined);
      if (mail) {
        const dispatcher = new EmailDispatcher({
          ...base,
          mailer: new SmtpMailer(mail.smtp),
          onOutcome: (o) => documents.channelOutcome(o.deliveryId, 'email', o.outcome, o.detail),
        });
        email = dispatcher;
        outbox.useGateway(dispatcher);
        if (mail.reports) {
          receiver = new DsnReceiver({
            ...mail.reports,
            logger: p.logger,
            onReport: (report, raw) => dispatcher.report(report, raw),
          });
          port = (await receiver.listen()).port;
          if (demo && !p.config.mail) demo.reportTo(port, mail.smtp.bounceAddress);
        }
        dispatcher.start();
      }
      if (smpp) {
        sms = new SmsDispatcher({
          ...base,
          smpp,
          onOutcome: (o) => documents.channelOutcome(o.deliveryId, 'sms', o.outcome, o.detail),
        });
        outbox.useGateway(sms);
        sms.start();
      }
    },
    async stop() {
      await receiver?.close();
      await email?.stop();
      await sms?.stop();
      await demo?.close();
    },
    reportsPort: () => port,
    demoMessages: () => demo?.list(),
  };
}
