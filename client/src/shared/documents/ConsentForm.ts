/**
 * 送达地址确认书 as a form: consent or not, the electronic addresses (the
 * in-app inbox always), the scope, a postal address, the legal effect of
 * electronic service in plain words and how to change the form later. The
 * server validates again; this only keeps obvious mistakes from a round trip.
 */
import { SERVED_DOCUMENT_KINDS } from '../../../../signaling/http/vocabulary.js';
import { el } from '../dom.js';
import type { IssuableKind, ServiceConsentInput, ServiceConsentView } from './model.js';
import { KIND_LABELS } from '../catalogue/documents.js';
import { dt } from './strings.js';

/** What a party may limit its consent to: the documents served on the parties. */
const SCOPE_KINDS: readonly IssuableKind[] = SERVED_DOCUMENT_KINDS;

function field(text: string, control: HTMLElement, attrs: Record<string, string> = {}) {
  const label = el('label', attrs, text);
  label.append(control);
  return label;
}

function check(name: string, value: string, text: string, checked: boolean, type = 'checkbox') {
  const input = el('input', { type, name, value });
  input.checked = checked;
  const label = el('label', { class: 'check' });
  label.append(input, el('span', {}, text));
  return { input, label };
}

/** The form, prefilled from the consent in force (when changing it). */
export function consentForm(
  current: ServiceConsentView | undefined,
  submit: (input: ServiceConsentInput) => Promise<void>,
  cancel?: () => void,
): HTMLElement {
  const form = el('form', { class: 'doc-consent', 'data-testid': 'consent-form', novalidate: '' });
  form.append(el('h3', {}, dt('consentTitle')), el('p', {}, dt('consentIntro')));

  const electronic = current ? current.electronic : true;
  const yes = check('electronic', 'yes', dt('consentElectronic'), electronic, 'radio');
  const no = check('electronic', 'no', dt('consentPaper'), !electronic, 'radio');
  yes.input.setAttribute('data-testid', 'consent-yes');
  no.input.setAttribute('data-testid', 'consent-no');
  const choice = el('fieldset', { class: 'choice' });
  choice.append(el('legend', {}, dt('consentElectronic')), yes.label, no.label);

  const addresses = el('fieldset', { class: 'addresses' });
  const inApp = check('inApp', 'in_app', dt('consentInApp'), true);
  inApp.input.disabled = true;
  const smsValue = current?.addresses.find((a) => a.channel === 'sms')?.value ?? '';
  const emailValue = current?.addresses.find((a) => a.channel === 'email')?.value ?? '';
  const sms = el('input', {
    type: 'tel',
    name: 'sms',
    inputmode: 'numeric',
    autocomplete: 'tel-national',
    pattern: '1\\d{10}',
    maxlength: '11',
    placeholder: '13800000000',
    'data-testid': 'consent-sms',
  });
  sms.value = smsValue;
  const email = el('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'email',
    maxlength: '200',
    'data-testid': 'consent-email',
  });
  email.value = emailValue;
  addresses.append(
    el('legend', {}, dt('consentAddresses')),
    inApp.label,
    field(dt('consentSms'), sms),
    field(dt('consentEmail'), email),
  );

  const scope = el('fieldset', { class: 'scope' });
  const some = current && current.scope !== 'all' ? current.scope : [];
  const all = check('scope', 'all', dt('consentScopeAll'), some.length === 0, 'radio');
  const only = check('scope', 'some', dt('consentScopeSome'), some.length > 0, 'radio');
  const kinds = el('div', { class: 'kinds' });
  const kindBoxes = SCOPE_KINDS.map((k) => {
    const box = check('kind', k, KIND_LABELS[k][0], some.includes(k));
    kinds.append(box.label);
    return box.input;
  });
  scope.append(el('legend', {}, dt('consentScope')), all.label, only.label, kinds);

  const postal = el('input', { name: 'postal', maxlength: '300', autocomplete: 'street-address' });
  postal.value = current?.postalAddress ?? '';

  const effect = el('section', { class: 'effect', 'data-testid': 'consent-effect' });
  const items = el('ol');
  for (const k of [
    'consentEffect1',
    'consentEffect2',
    'consentEffect3',
    'consentEffect4',
    'consentEffect5',
  ] as const)
    items.append(el('li', {}, dt(k)));
  effect.append(
    el('h4', {}, dt('consentEffectTitle')),
    items,
    el('p', { class: 'muted' }, dt('consentHowToChange')),
  );

  const ack = check('ack', 'yes', dt('consentAck'), false);
  ack.input.setAttribute('data-testid', 'consent-ack');
  ack.input.required = true;

  const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'consent-error' });
  const send = el(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'consent-submit' },
    dt('consentSubmit'),
  );
  const actions = el('div', { class: 'doc-actions' });
  actions.append(send);
  if (cancel) {
    const back = el('button', { type: 'button' }, dt('cancel'));
    back.onclick = cancel;
    actions.append(back);
  }

  const sync = () => {
    const on = yes.input.checked;
    addresses.disabled = !on;
    scope.disabled = !on;
    kinds.hidden = !only.input.checked;
    send.disabled = !ack.input.checked;
  };
  for (const input of [yes.input, no.input, all.input, only.input, ack.input])
    input.addEventListener('change', sync);
  sync();

  form.append(
    choice,
    addresses,
    scope,
    field(dt('consentPostal'), postal),
    effect,
    ack.label,
    error,
    actions,
  );

  form.onsubmit = (e) => {
    e.preventDefault();
    error.textContent = '';
    const consenting = yes.input.checked;
    const input: ServiceConsentInput = {
      consentToElectronicService: consenting,
      addresses: [],
      scope: 'all',
      effectAcknowledged: true,
    };
    if (consenting) {
      input.addresses.push({ channel: 'in_app' });
      const phone = sms.value.replace(/\s+/g, '');
      if (phone) {
        if (!/^1\d{10}$/.test(phone)) {
          error.textContent = dt('consentSmsInvalid');
          sms.focus();
          return;
        }
        input.addresses.push({ channel: 'sms', value: phone });
      }
      const mail = email.value.trim();
      if (mail) {
        if (!email.checkValidity() || !mail.includes('@')) {
          error.textContent = dt('consentEmailInvalid');
          email.focus();
          return;
        }
        input.addresses.push({ channel: 'email', value: mail });
      }
      if (only.input.checked) {
        const chosen = kindBoxes.filter((b) => b.checked).map((b) => b.value as IssuableKind);
        if (chosen.length === 0) {
          error.textContent = dt('consentScopeEmpty');
          return;
        }
        input.scope = chosen;
      }
    }
    if (postal.value.trim()) input.postalAddress = postal.value.trim();
    send.disabled = true;
    submit(input).catch((err: unknown) => {
      error.textContent = `${dt('failed')}${(err as Error).message}`;
      send.disabled = false;
    });
  };
  return form;
}
