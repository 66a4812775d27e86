/**
 * SMS's dispatcher (GatewayDispatcher.ts) with its delivery receipts (SmppGateway.ts). A receipt
 * names the message by the SMSC's id, recorded when the SMSC took the message, so a receipt that
 * arrives after a restart, or on another node's bind, is placed all the same. It counts only
 * when the handset it names is the one the message went to.
 */
import { GatewayDispatcher, type GatewayDispatcherOptions } from './GatewayDispatcher.js';
import { sameNumber, SmppGateway, type ReceiptInfo, type SmppConfig } from './SmppGateway.js';
import { idForms, receiptOutcome } from './smsReceipt.js';

export type SmsDispatcherOptions = GatewayDispatcherOptions & { smpp: SmppConfig };

export class SmsDispatcher extends GatewayDispatcher {
  readonly #gateway: SmppGateway;

  constructor(o: SmsDispatcherOptions) {
    const gateway = new SmppGateway(o.smpp, o.logger);
    super('sms', gateway, o);
    this.#gateway = gateway;
    gateway.onReceipt = (r) => this.receipt(r);
  }

  override start(): void {
    super.start();
    this.#gateway.start();
  }

  /**
   * A receipt: true when it is placed (recorded now, or told before), false when no message of
   * ours has its id yet (the SMSC is asked to send it again).
   */
  async receipt(r: ReceiptInfo): Promise<boolean> {
    const candidates = await this.sends.byProviderId('sms', idForms(r.receipt.messageId));
    const send = candidates.find((c) => c.providerId === r.receipt.messageId) ?? candidates[0];
    if (!send || (candidates.length > 1 && send.providerId !== r.receipt.messageId)) {
      this.logger.info({ providerId: r.receipt.messageId }, 'receipt for no recorded message yet');
      return false;
    }
    const message = await this.sends.message(send.messageId);
    if (r.from && message && !sameNumber(r.from, message.address)) {
      this.logger.warn(
        { messageId: send.messageId, providerId: r.receipt.messageId },
        'receipt names another number: ignored',
      );
      return true;
    }
    const outcome = receiptOutcome(r.receipt.state);
    if (outcome === 'pending') return true;
    const status = `${r.receipt.state}${r.receipt.error ? ` err:${r.receipt.error}` : ''}`;
    await this.settle(send, outcome, status, r.raw, {
      address: message?.address ?? null,
      status: r.receipt.state,
      error: r.receipt.error,
      doneDate: r.receipt.doneDate,
    });
    return true;
  }
}
