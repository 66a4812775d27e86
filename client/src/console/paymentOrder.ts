/**
 * 支付令申请 in the console: when the case qualifies (劳动争议调解仲裁法第十六条),
 * staff produce the payment-order pack on the worker's request — naming the
 * applicant (or its agent with special authority) who asked — and send it to
 * a registered court; the packs sent and their delivery follow. Hidden while
 * the case does not qualify and nothing was sent.
 */
import { el, labelled } from '../dom.js';
import { DocumentsApi } from '../documents/api.js';
import type { PaymentOrderStatus } from '../documents/model.js';
import { when } from '../documents/strings.js';
import type { CaseFileView, StaffApi } from './api.js';

function t(zh: string, en: string): string {
  return document.documentElement.lang === 'en' ? en : zh;
}

export function paymentOrderSection(
  staff: StaffApi,
  caseId: string,
  file: CaseFileView,
): HTMLElement {
  const docs = new DocumentsApi(caseId, () => staff.session.token);
  const section = el('section', {
    class: 'card payment-order',
    'data-testid': 'console-payment-order',
    hidden: '',
  });
  const court = el('select', { name: 'court', 'data-testid': 'console-payment-order-court' });
  const requester = el('select', {
    name: 'requestedBy',
    'data-testid': 'console-payment-order-requester',
  });
  const applicants = new Set(file.people.filter((p) => p.kind === 'applicant').map((p) => p.id));
  for (const p of file.people) {
    const special =
      p.kind === 'agent' &&
      p.powerOfAttorney?.scope === 'special' &&
      applicants.has(p.representsId ?? '');
    if (p.kind === 'applicant' || special) requester.append(el('option', { value: p.id }, p.name));
  }
  const submit = el(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'console-payment-order-send' },
    t('应劳动者申请，生成并发送支付令申请材料', 'On the worker’s request: make and send the pack'),
  );
  const error = el('p', { class: 'error', role: 'alert' });
  const state = el('div', { 'aria-live': 'polite' });
  const form = el('form', {});
  form.append(
    labelled(t('提出申请的劳动者', 'Worker who asked'), requester),
    labelled(t('人民法院', 'Court'), court),
    submit,
  );
  const show = (s: PaymentOrderStatus): void => {
    section.hidden = !s.eligible && s.packs.length === 0;
    form.hidden = !s.eligible;
    court.replaceChildren(...s.courts.map((c) => el('option', { value: c.id }, c.name)));
    submit.disabled = s.courts.length === 0;
    state.replaceChildren(
      el(
        'p',
        { class: 'small' },
        s.eligible
          ? t(
              `履行期限 ${s.performanceDueOn ?? '—'} 已届满，劳动者可以申请支付令`,
              `The performance deadline ${s.performanceDueOn ?? '—'} has passed: the worker may apply for a payment order`,
            )
          : t('本案目前不能申请支付令', 'The case does not qualify for a payment order now'),
      ),
      ...s.packs.map((p) =>
        el(
          'p',
          { class: 'small', 'data-testid': 'console-payment-order-pack' },
          `${when(p.createdAt)} → ${p.institutionName} · ${p.delivery?.status ?? '—'} · SHA-256 ${p.sha256.slice(0, 16)}…`,
        ),
      ),
    );
  };
  const load = (): void => {
    docs.paymentOrder().then(show, () => {
      section.hidden = true;
    });
  };
  form.onsubmit = (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    docs
      .producePaymentOrder(court.value, requester.value)
      .then(load)
      .catch((err: unknown) => {
        error.textContent = `${t('发送失败：', 'Not sent: ')}${(err as Error).message}`;
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
  section.append(el('h3', {}, t('支付令申请', 'Payment order')), state, form, error);
  load();
  return section;
}
