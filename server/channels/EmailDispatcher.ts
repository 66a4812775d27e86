/**
 * E-mail's dispatcher (GatewayDispatcher.ts) with its reports: a delivery status notification
 * (DsnReceiver.ts) names the message by its envelope id, and counts only for the address the
 * message went to (a report about another recipient, forwarded or forged, changes nothing).
 */
import type { OutboxMessage } from '../documents/model.js';
import { outcomeOf, type DeliveryReport } from './dsn.js';
import {
  GatewayDispatcher,
  type ChannelTransport,
  type GatewayDispatcherOptions,
} from './GatewayDispatcher.js';
import type { SmtpMailer } from './SmtpMailer.js';

export type EmailDispatcherOptions = GatewayDispatcherOptions & { mailer: SmtpMailer };

function mailTransport(mailer: SmtpMailer): ChannelTransport {
  return {
    async send(m: OutboxMessage) {
      const accepted = await mailer.send({
        to: m.address,
        subject: m.subject,
        text: m.body,
        envelopeId: m.id,
      });
      return { providerId: accepted.messageId, response: accepted.response };
    },
    close: () => mailer.close(),
  };
}

export class EmailDispatcher extends GatewayDispatcher {
  constructor(o: EmailDispatcherOptions) {
    super('email', mailTransport(o.mailer), o);
  }

  /** A delivery report from the bounce address: the message it names, delivered or failed. */
  async report(report: DeliveryReport, raw: string): Promise<void> {
    if (!report.envelopeId) {
      this.logger.info({ reportingMta: report.reportingMta }, 'delivery report without our id');
      return;
    }
    const send = await this.sends.get(report.envelopeId);
    if (send?.channel !== 'email') return;
    const message = await this.sends.message(send.messageId);
    const address = message?.address.toLowerCase();
    for (const r of report.recipients) {
      if (r.finalRecipient !== address && r.originalRecipient !== address) {
        this.logger.warn(
          { messageId: send.messageId, reportingMta: report.reportingMta },
          'delivery report about another recipient: ignored',
        );
        continue;
      }
      const outcome = outcomeOf(r);
      if (outcome === 'pending') continue;
      const status = `${r.action} ${r.status}${r.diagnostic ? ` (${r.diagnostic})` : ''}`;
      await this.settle(send, outcome, status, raw, {
        address: r.finalRecipient,
        queueId: send.providerId,
        status: r.status,
        action: r.action,
        diagnostic: r.diagnostic,
        remoteMta: r.remoteMta,
        reportingMta: report.reportingMta,
      });
      return;
    }
  }
}
