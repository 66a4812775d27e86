/**
 * 背靠背材料的使用 on the join page: what was said or shown in a private
 * caucus, and offers made to settle, stay out of what is sent to a court or
 * arbitration commission unless both sides agree. A party or agent gives or
 * withdraws their own agreement here and sees where each side stands.
 *
 * The notice and the choice are in both languages whatever the page's
 * language, Chinese first, as the recording notice is: it is a consent.
 * The element is built once and updated in place, so a ticked box survives
 * the inbox's re-renders.
 */
import { el } from '../dom.js';
import { colon } from '../i18n.js';
import type { DocumentsApi } from './api.js';
import type { DisclosureView, PartySide } from './model.js';
import { dt, when } from './strings.js';

const NOTICE = {
  titleZh: '背靠背材料的使用',
  titleEn: 'Use of caucus material',
  bodyZh:
    '默认情况下，背靠背（与调解员单独沟通）中所说的话、出示的材料，以及为达成调解协议提出的方案和作出的让步，不会提交给法院或仲裁委员会，也不得在其后的仲裁或诉讼中作为对您不利的根据。只有双方当事人都同意时，背靠背材料才会随司法确认或仲裁审查申请一并提交。您可以随时撤回同意；撤回前已经移送的材料不受影响。',
  bodyEn:
    'By default, what is said or shown in a private caucus with the mediator, and the offers and concessions made to reach an agreement, are not sent to a court or arbitration commission and cannot be used against you in later arbitration or litigation. Caucus material goes with an application for judicial confirmation or arbitration review only if both parties agree. You may withdraw your agreement at any time; material referred before you withdraw is not affected.',
  agreeZh: '我同意在司法确认或仲裁审查中提交背靠背材料',
  agreeEn:
    'I agree that caucus material may be submitted in judicial confirmation or arbitration review',
  confirmZh: '确认同意',
  confirmEn: 'Confirm',
  withdrawZh: '撤回同意',
  withdrawEn: 'Withdraw my agreement',
} as const;

/** Chinese, then English in a smaller line. */
function both(zh: string, en: string): HTMLElement[] {
  return [
    el('span', { lang: 'zh-CN', class: 'zh' }, zh),
    el('span', { lang: 'en', class: 'en' }, en),
  ];
}

export class DisclosureCard {
  readonly element: HTMLElement;
  readonly #api: DocumentsApi;
  readonly #selfId: string;
  readonly #state = el('div', { class: 'disclosure-state', 'aria-live': 'polite' });
  readonly #form = el('form', { class: 'disclosure-agree', 'data-testid': 'disclosure-form' });
  readonly #check = el('input', {
    type: 'checkbox',
    name: 'agree',
    'data-testid': 'disclosure-check',
  });
  readonly #agree = el('button', {
    type: 'submit',
    class: 'primary bilingual',
    'data-testid': 'disclosure-agree',
  });
  readonly #withdraw = el('button', {
    type: 'button',
    class: 'bilingual',
    'data-testid': 'disclosure-withdraw',
  });
  readonly #error = el('p', { class: 'error', role: 'alert', 'data-testid': 'disclosure-error' });
  #view: DisclosureView | undefined;
  #loadError: string | undefined;
  #busy = false;

  constructor(api: DocumentsApi, selfId: string) {
    this.#api = api;
    this.#selfId = selfId;
    this.element = el('section', {
      class: 'card doc-disclosure',
      'data-testid': 'disclosure-card',
      'aria-labelledby': 'disclosure-title',
    });
    const title = el('h3', { id: 'disclosure-title' });
    title.append(...both(NOTICE.titleZh, NOTICE.titleEn));
    const label = el('label', { class: 'check' });
    const text = el('span');
    text.append(...both(NOTICE.agreeZh, NOTICE.agreeEn));
    label.append(this.#check, text);
    this.#agree.append(...both(NOTICE.confirmZh, NOTICE.confirmEn));
    this.#withdraw.append(...both(NOTICE.withdrawZh, NOTICE.withdrawEn));
    this.#form.append(label, this.#agree);
    this.element.append(
      title,
      el('p', { lang: 'zh-CN', class: 'zh' }, NOTICE.bodyZh),
      el('p', { lang: 'en', class: 'en' }, NOTICE.bodyEn),
      this.#state,
      this.#form,
      this.#withdraw,
      this.#error,
    );
    this.#check.addEventListener('change', () => this.render());
    this.#form.onsubmit = (e) => {
      e.preventDefault();
      if (this.#check.checked) this.#choose(true);
    };
    this.#withdraw.onclick = () => this.#choose(false);
    this.render();
  }

  async load(): Promise<void> {
    try {
      this.#view = await this.#api.disclosure();
      this.#loadError = undefined;
    } catch (error) {
      this.#loadError = (error as Error).message;
    }
    this.render();
  }

  /** The latest choice of the person this page belongs to, if any. */
  #own(): DisclosureView['consents'][number] | undefined {
    return this.#view?.consents.find((c) => c.personId === this.#selfId);
  }

  /** The parts that follow the view and the page's language. */
  render(): void {
    const view = this.#view;
    const own = this.#own();
    const agreed = own?.agree === true;
    this.#form.hidden = !view || agreed;
    this.#withdraw.hidden = !view || !agreed;
    this.#agree.disabled = this.#busy || !this.#check.checked;
    this.#withdraw.disabled = this.#busy;
    this.element.dataset['agreed'] = String(agreed);
    const parts: HTMLElement[] = [];
    if (this.#loadError)
      parts.push(el('p', { class: 'error' }, `${dt('loadFailed')}${this.#loadError}`));
    if (view) {
      parts.push(
        el(
          'p',
          {
            class: view.agreed ? 'notice small' : 'muted small',
            'data-testid': 'disclosure-verdict',
            'data-agreed': String(view.agreed),
          },
          view.agreed ? dt('disclosureBoth') : dt('disclosureNotBoth'),
        ),
      );
      const sides = el('ul', { class: 'disclosure-sides' });
      for (const side of ['applicant', 'respondent'] as const)
        sides.append(this.#side(side, view.sides[side], own?.side === side));
      parts.push(sides);
      if (own)
        parts.push(
          el(
            'p',
            { class: 'small', 'data-testid': 'disclosure-own' },
            dt(own.agree ? 'disclosureYouAgreed' : 'disclosureYouWithdrew', { at: when(own.at) }),
          ),
        );
    }
    this.#state.replaceChildren(...parts);
  }

  #side(side: PartySide, agreed: boolean, ours: boolean): HTMLElement {
    const li = el('li', {
      'data-testid': 'disclosure-side',
      'data-side': side,
      'data-agreed': String(agreed),
    });
    li.append(
      el(
        'span',
        {},
        `${dt(side === 'applicant' ? 'disclosureApplicant' : 'disclosureRespondent')}${ours ? dt('disclosureYourSide') : ''}${colon()}`,
      ),
      el(
        'strong',
        { class: agreed ? 'agreed' : '' },
        agreed ? dt('disclosureAgreed') : dt('disclosureNotAgreed'),
      ),
    );
    return li;
  }

  #choose(agree: boolean): void {
    this.#busy = true;
    this.#error.textContent = '';
    this.render();
    this.#api
      .setDisclosure(agree)
      .then((view) => {
        this.#view = view;
        this.#check.checked = false;
      })
      .catch((error: unknown) => {
        this.#error.textContent = `${dt('failed')}${(error as Error).message}`;
      })
      .finally(() => {
        this.#busy = false;
        this.render();
      });
  }
}
