/**
 * 申请支付令 on the worker's join page: shown only when the case qualifies
 * (劳动争议调解仲裁法第十六条: an effective agreement on unpaid wages, work-injury
 * medical costs, economic compensation or damages whose performance deadline
 * passed unperformed). The applicant, or its agent with special authority,
 * picks a registered court and sends the application pack; the packs sent
 * and their delivery follow. Chinese first, English below, whatever the
 * page's language, as the disclosure card: it is a legal step.
 */
import { localText } from '../../call/strings.js';
import { el } from '../dom.js';
import type { DocumentsApi } from './api.js';
import type { PaymentOrderPack, PaymentOrderStatus } from './model.js';
import { when } from './strings.js';

const TEXT = {
  titleZh: '申请支付令',
  titleEn: 'Apply for a payment order',
  bodyZh:
    '调解协议约定的履行期限已经届满，用人单位未履行。根据《中华人民共和国劳动争议调解仲裁法》第十六条，您可以持调解协议书向人民法院申请支付令。本平台将生成支付令申请书，连同已生效的调解协议书、送达凭证和案件签名引用，发送给您选择的人民法院。',
  bodyEn:
    'The performance deadline in the agreement has passed and the employer has not performed. Under Article 16 of the Labour Dispute Mediation and Arbitration Law you may apply to a court for a payment order. The service makes the application and sends it, with the effective agreement, the service certificates and the signed case reference, to the court you choose.',
  dueZh: '履行期限',
  courtZh: '人民法院',
  courtEn: 'Court',
  sendZh: '生成并发送支付令申请材料',
  sendEn: 'Make and send the application',
  noCourtZh: '本组织尚未登记人民法院，请联系调解组织。',
  noCourtEn: 'No court is registered yet; ask the mediation organisation.',
  sentZh: '已发送',
  sentEn: 'Sent',
  failedZh: '发送失败：',
} as const;

const DELIVERY = {
  pending: '发送中 / sending',
  delivered: '法院已接收 / received by the court',
  dead: '未能送达，调解组织将处理 / not delivered; the organisation will follow up',
} as const;

function both(zh: string, en: string): HTMLElement[] {
  return [
    el('span', { lang: 'zh-CN', class: 'zh' }, zh),
    el('span', { lang: 'en', class: 'en' }, en),
  ];
}

export class PaymentOrderCard {
  readonly element: HTMLElement;
  readonly #api: DocumentsApi;
  readonly #court = el('select', { name: 'court', 'data-testid': 'payment-order-court' });
  readonly #send = el('button', {
    type: 'submit',
    class: 'primary bilingual',
    'data-testid': 'payment-order-send',
  });
  readonly #form = el('form', { class: 'payment-order-form' });
  readonly #packs = el('ul', {
    class: 'payment-order-packs',
    'data-testid': 'payment-order-packs',
  });
  readonly #due = el('p', { class: 'small', 'data-testid': 'payment-order-due' });
  readonly #error = el('p', {
    class: 'error',
    role: 'alert',
    'data-testid': 'payment-order-error',
  });
  #status: PaymentOrderStatus | undefined;
  #busy = false;

  constructor(api: DocumentsApi) {
    this.#api = api;
    this.element = el('section', {
      class: 'card doc-disclosure payment-order',
      'data-testid': 'payment-order-card',
      'aria-labelledby': 'payment-order-title',
      hidden: '',
    });
    const title = el('h3', { id: 'payment-order-title' });
    title.append(...both(TEXT.titleZh, TEXT.titleEn));
    const label = el('label', {});
    label.append(...both(TEXT.courtZh, TEXT.courtEn), ' ', this.#court);
    this.#send.append(...both(TEXT.sendZh, TEXT.sendEn));
    this.#form.append(label, this.#send);
    this.element.append(
      title,
      el('p', { lang: 'zh-CN', class: 'zh' }, TEXT.bodyZh),
      el('p', { lang: 'en', class: 'en' }, TEXT.bodyEn),
      this.#due,
      this.#form,
      this.#packs,
      this.#error,
    );
    this.#form.onsubmit = (e) => {
      e.preventDefault();
      this.#produce();
    };
  }

  /** Not for this person or not eligible: the card stays hidden. */
  async load(): Promise<void> {
    try {
      this.#status = await this.#api.paymentOrder();
    } catch {
      this.#status = undefined;
    }
    this.render();
  }

  render(): void {
    const s = this.#status;
    this.element.hidden = !s || (!s.eligible && s.packs.length === 0);
    if (!s) return;
    this.#due.textContent = s.performanceDueOn
      ? `${TEXT.dueZh} / performance deadline: ${s.performanceDueOn}（已届满 / passed）`
      : '';
    const chosen = this.#court.value;
    this.#court.replaceChildren(...s.courts.map((c) => el('option', { value: c.id }, c.name)));
    if (s.courts.some((c) => c.id === chosen)) this.#court.value = chosen;
    this.#form.hidden = !s.eligible || !s.mayProduce;
    this.#send.disabled = this.#busy || s.courts.length === 0;
    if (s.eligible && s.courts.length === 0 && !this.#error.textContent) {
      this.#error.textContent = localText(`${TEXT.noCourtZh} / ${TEXT.noCourtEn}`);
    }
    this.#packs.replaceChildren(...s.packs.map((p) => this.#pack(p)));
  }

  #pack(p: PaymentOrderPack): HTMLElement {
    return el(
      'li',
      { 'data-testid': 'payment-order-pack', 'data-delivery': p.delivery?.status ?? 'none' },
      `${localText(`${TEXT.sentZh} / ${TEXT.sentEn}`)} ${when(p.createdAt)} → ${p.institutionName}：${
        p.delivery ? localText(DELIVERY[p.delivery.status]) : '—'
      }（SHA-256 ${p.sha256.slice(0, 16)}…）`,
    );
  }

  #produce(): void {
    const institutionId = this.#court.value;
    if (!institutionId) return;
    this.#busy = true;
    this.#error.textContent = '';
    this.render();
    this.#api
      .producePaymentOrder(institutionId)
      .then(() => this.#api.paymentOrder())
      .then((status) => {
        this.#status = status;
      })
      .catch((error: unknown) => {
        this.#error.textContent = `${TEXT.failedZh}${(error as Error).message}`;
      })
      .finally(() => {
        this.#busy = false;
        this.render();
      });
  }
}
