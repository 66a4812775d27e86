/**
 * The clerk's 机构 view: register a people's court or arbitration commission
 * (its API key is in the reply only, so it is shown once, with a copy
 * button), revoke one, and follow the deliveries to its webhook, putting a
 * dead letter back in the queue.
 *
 * An open delivery log polls while a delivery is pending and stops once it
 * leaves the page.
 */
import { el, fact, labelled } from '../dom.js';
import type { InstitutionKind, InstitutionView, StaffApi, WebhookDeliveryView } from './api.js';
import {
  INSTITUTION_KINDS,
  WEBHOOK_EVENTS,
  WEBHOOK_STATUS,
  formatTime,
  label,
  receiptText,
} from './labels.js';
import { ct, ct as t } from './i18n.js';

const POLL_MS = 5_000;

const KINDS: InstitutionKind[] = ['court', 'arbitration'];

function errorText(error: unknown): string {
  return `${t('error')}${(error as Error).message}`;
}

/** A value with a copy button; without the clipboard API the value is selected for the user. */
function copyable(value: string, testId: string): HTMLElement {
  const box = el('span', { class: 'copyable' });
  const code = el('code', { class: 'hash', 'data-testid': testId }, value);
  const button = el(
    'button',
    { type: 'button', class: 'small', 'data-testid': `copy-${testId}` },
    ct('copyValue'),
  );
  const status = el('span', { class: 'small', role: 'status' });
  button.onclick = () => {
    const selectIt = () => {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    };
    if (!navigator.clipboard) {
      selectIt();
      status.textContent = ct('copyFailed');
      return;
    }
    navigator.clipboard.writeText(value).then(
      () => {
        status.textContent = ct('copied');
      },
      () => {
        selectIt();
        status.textContent = ct('copyFailed');
      },
    );
  };
  box.append(code, ' ', button, ' ', status);
  return box;
}

/** The one moment the API key exists outside the institution's hands. */
function credentials(institution: InstitutionView, apiKey: string): HTMLElement {
  const box = el('section', {
    class: 'card credentials',
    'data-testid': 'institution-credentials',
    'aria-labelledby': 'institution-credentials-title',
  });
  const heading = el(
    'h4',
    { id: 'institution-credentials-title', tabindex: '-1' },
    `${ct('credentialsTitle')} · ${institution.name}`,
  );
  const dl = el('dl', { class: 'facts' });
  dl.append(
    ...fact(ct('institutionId'), copyable(institution.id, 'credential-institution-id')),
    ...fact(ct('apiKey'), copyable(apiKey, 'credential-api-key')),
  );
  const done = el(
    'button',
    { type: 'button', 'data-testid': 'credentials-saved' },
    ct('credentialsSaved'),
  );
  done.onclick = () => box.remove();
  box.append(
    heading,
    el('p', { class: 'banner', role: 'alert', 'data-testid': 'shown-once' }, ct('shownOnce')),
    dl,
    done,
  );
  queueMicrotask(() => heading.focus());
  return box;
}

function registrationForm(
  api: StaffApi,
  registered: (institution: InstitutionView, apiKey: string) => void,
): HTMLElement {
  const form = el('form', { class: 'card institution-form', 'data-testid': 'institution-form' });
  const kind = el('select', { name: 'kind', 'data-testid': 'institution-kind' });
  for (const k of KINDS) kind.append(el('option', { value: k }, label(INSTITUTION_KINDS, k)));
  const name = el('input', {
    name: 'name',
    required: '',
    minlength: '2',
    maxlength: '200',
    autocomplete: 'off',
    'data-testid': 'institution-name',
  });
  const webhook = el('input', {
    name: 'webhookUrl',
    type: 'url',
    maxlength: '500',
    inputmode: 'url',
    placeholder: 'https://',
    autocomplete: 'off',
    'data-testid': 'institution-webhook',
  });
  const submit = el(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'institution-register' },
    ct('register'),
  );
  const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'institution-error' });
  form.append(
    el('h4', {}, ct('registerTitle')),
    labelled(ct('institutionKind'), kind),
    labelled(ct('institutionName'), name),
    labelled(ct('webhookUrl'), webhook),
    submit,
    error,
  );
  form.onsubmit = (e) => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    const url = webhook.value.trim();
    api
      .registerInstitution({
        kind: kind.value as InstitutionKind,
        name: name.value.trim(),
        ...(url ? { webhookUrl: url } : {}),
      })
      .then(({ institution, apiKey }) => {
        form.reset();
        registered(institution, apiKey);
      })
      .catch((err: unknown) => {
        error.textContent = errorText(err);
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
  return form;
}

/** One institution's webhook deliveries, newest first, dead letters marked and retryable. */
class WebhookLog {
  readonly element = el('div', { class: 'webhook-log', 'data-testid': 'webhook-log' });
  readonly #body = el('div', {}, t('loading'));
  readonly #problem = el('p', { class: 'error', role: 'alert' });
  #signature = '';
  #started = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: StaffApi,
    private readonly institutionId: string,
    private readonly caseNumbers: () => Map<string, string>,
  ) {
    const refresh = el(
      'button',
      { type: 'button', class: 'small', 'data-testid': 'refresh-webhooks' },
      ct('refresh'),
    );
    refresh.onclick = () => void this.load();
    const head = el('div', { class: 'row-head' });
    head.append(el('h4', {}, ct('webhooksTitle')), refresh);
    this.element.append(head, this.#problem, this.#body);
  }

  async load(): Promise<void> {
    clearTimeout(this.#timer);
    // Closed, or gone with the view: stop.
    if (this.#started && !this.element.isConnected) return;
    this.#started = true;
    let again = false;
    try {
      const deliveries = await this.api.webhookDeliveries(this.institutionId);
      this.#problem.textContent = '';
      const next = JSON.stringify(deliveries);
      if (next !== this.#signature) {
        this.#signature = next;
        this.#show(deliveries);
      }
      again = deliveries.some((d) => d.status === 'pending');
    } catch (error) {
      this.#problem.textContent = `${t('loadFailed')}${(error as Error).message}`;
    }
    if (again) this.#timer = setTimeout(() => void this.load(), POLL_MS);
  }

  #show(deliveries: WebhookDeliveryView[]): void {
    if (deliveries.length === 0) {
      this.#body.replaceChildren(el('p', { class: 'muted' }, ct('noWebhooks')));
      return;
    }
    const nodes: HTMLElement[] = [];
    const dead = deliveries.filter((d) => d.status === 'dead').length;
    if (dead > 0)
      nodes.push(
        el(
          'p',
          { class: 'error', 'data-testid': 'dead-letter-count' },
          `${ct('deadLetters')}${dead}`,
        ),
      );
    const list = el('ul', { class: 'rows webhook-deliveries' });
    for (const d of [...deliveries].sort((a, b) => b.createdAt.localeCompare(a.createdAt)))
      list.append(this.#row(d));
    nodes.push(list);
    this.#body.replaceChildren(...nodes);
  }

  #row(d: WebhookDeliveryView): HTMLElement {
    const li = el('li', {
      class: `webhook-delivery webhook-${d.status}`,
      'data-testid': 'webhook-delivery',
      'data-delivery': d.id,
      'data-status': d.status,
    });
    const head = el('div', { class: 'row-head' });
    const title = el('span');
    const caseNumber = this.caseNumbers().get(d.caseId);
    title.append(
      el(
        'span',
        { class: `chip webhook-${d.status}`, 'data-testid': 'webhook-status' },
        label(WEBHOOK_STATUS, d.status),
      ),
      ' ',
      el('strong', {}, label(WEBHOOK_EVENTS, d.event)),
      ' · ',
      el(
        'a',
        { href: `#/cases/${encodeURIComponent(d.caseId)}`, title: d.caseId },
        caseNumber ?? `${d.caseId.slice(0, 8)}…`,
      ),
    );
    head.append(title);
    const error = el('p', { class: 'error', role: 'alert' });
    if (d.status === 'dead') {
      const retry = el(
        'button',
        { type: 'button', class: 'small primary', 'data-testid': 'retry-webhook' },
        ct('retry'),
      );
      retry.onclick = () => {
        retry.disabled = true;
        error.textContent = '';
        this.api
          .retryWebhook(this.institutionId, d.id)
          .then(() => this.load())
          .catch((err: unknown) => {
            retry.disabled = false;
            error.textContent = errorText(err);
          });
      };
      head.append(retry);
    }
    const dl = el('dl', { class: 'facts' });
    dl.append(
      ...fact(ct('createdAt'), formatTime(d.createdAt)),
      ...fact(ct('attempts'), String(d.attempts)),
    );
    if (d.status === 'pending') dl.append(...fact(ct('nextAttempt'), formatTime(d.nextAttemptAt)));
    if (d.deliveredAt) dl.append(...fact(ct('deliveredAt'), formatTime(d.deliveredAt)));
    if (d.receipt) dl.append(...fact(ct('receipt'), receiptText(d.receipt), { class: 'hash' }));
    if (d.lastError)
      dl.append(
        ...fact(ct('lastError'), d.lastError, { class: 'error', 'data-testid': 'webhook-error' }),
      );
    dl.append(
      ...fact('SHA-256', `${d.bodySha256.slice(0, 16)}…`, { class: 'hash', title: d.bodySha256 }),
    );
    li.append(head, dl, error);
    return li;
  }
}

/** The institutions as cards; open delivery logs and revoke confirmations survive a reload. */
class InstitutionList {
  readonly element = el('div', { 'data-testid': 'institution-list' }, t('loading'));
  readonly #logs = new Map<string, WebhookLog>();
  readonly #confirming = new Set<string>();
  /** The institution whose confirmation just opened: its "cancel" takes focus once. */
  #focusCancel: string | undefined;
  #institutions: InstitutionView[] = [];
  #caseNumbers = new Map<string, string>();

  constructor(private readonly api: StaffApi) {}

  set caseNumbers(numbers: Map<string, string>) {
    this.#caseNumbers = numbers;
  }

  async load(): Promise<void> {
    try {
      this.#institutions = await this.api.institutions();
      this.#show();
    } catch (error) {
      this.element.replaceChildren(
        el('p', { class: 'error', role: 'alert' }, `${t('loadFailed')}${(error as Error).message}`),
      );
    }
  }

  #show(): void {
    if (this.#institutions.length === 0) {
      this.element.replaceChildren(el('p', { class: 'muted' }, ct('noInstitutions')));
      return;
    }
    const list = el('ul', { class: 'rows institutions' });
    // Active first, then by name.
    const ordered = [...this.#institutions].sort(
      (a, b) =>
        Number(a.revokedAt !== null) - Number(b.revokedAt !== null) ||
        a.name.localeCompare(b.name, 'zh-CN'),
    );
    for (const i of ordered) list.append(this.#card(i));
    this.element.replaceChildren(list);
  }

  #card(i: InstitutionView): HTMLElement {
    const revoked = i.revokedAt !== null;
    const li = el('li', {
      class: `institution${revoked ? ' revoked' : ''}`,
      'data-testid': 'institution',
      'data-institution': i.id,
      'data-revoked': String(revoked),
    });
    const head = el('div', { class: 'row-head' });
    const title = el('span');
    title.append(
      el('strong', { 'data-testid': 'institution-label' }, i.name),
      ' ',
      el('span', { class: 'chip' }, label(INSTITUTION_KINDS, i.kind)),
    );
    if (revoked) title.append(' ', el('span', { class: 'chip webhook-dead' }, ct('revoked')));
    head.append(title);
    const dl = el('dl', { class: 'facts' });
    dl.append(
      ...fact(ct('institutionId'), i.id, { class: 'hash' }),
      ...fact(ct('webhook'), i.webhookUrl ?? '—', i.webhookUrl ? { class: 'hash' } : {}),
      ...fact(ct('registeredAt'), formatTime(i.createdAt)),
    );
    if (i.revokedAt) dl.append(...fact(ct('revokedAt'), formatTime(i.revokedAt)));
    const actions = el('div', { class: 'doc-actions' });
    const error = el('p', { class: 'error', role: 'alert' });
    const log = this.#logs.get(i.id);
    const toggle = el(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-expanded': String(log !== undefined),
        'data-testid': 'show-webhooks',
      },
      ct(log ? 'hideWebhooks' : 'showWebhooks'),
    );
    toggle.onclick = () => {
      if (this.#logs.has(i.id)) this.#logs.delete(i.id);
      else {
        const opened = new WebhookLog(this.api, i.id, () => this.#caseNumbers);
        this.#logs.set(i.id, opened);
        void opened.load();
      }
      this.#show();
    };
    actions.append(toggle);
    if (!revoked) actions.append(...this.#revokeControls(i, error));
    li.append(head, dl, actions, error);
    if (log) li.append(log.element);
    return li;
  }

  /** Revoking cannot be undone: a second, explicit step. */
  #revokeControls(i: InstitutionView, error: HTMLElement): HTMLElement[] {
    if (!this.#confirming.has(i.id)) {
      const revoke = el(
        'button',
        { type: 'button', class: 'small', 'data-testid': 'revoke-institution' },
        ct('revoke'),
      );
      revoke.onclick = () => {
        this.#confirming.add(i.id);
        this.#focusCancel = i.id;
        this.#show();
      };
      return [revoke];
    }
    const question = el('span', { class: 'small', role: 'alert' }, ct('revokeConfirm'));
    const yes = el(
      'button',
      { type: 'button', class: 'small danger', 'data-testid': 'revoke-confirm' },
      ct('revokeYes'),
    );
    const no = el(
      'button',
      { type: 'button', class: 'small', 'data-testid': 'revoke-cancel' },
      ct('cancel'),
    );
    no.onclick = () => {
      this.#confirming.delete(i.id);
      this.#show();
    };
    yes.onclick = () => {
      yes.disabled = no.disabled = true;
      this.api
        .revokeInstitution(i.id)
        .then((updated) => {
          this.#confirming.delete(i.id);
          this.#institutions = this.#institutions.map((x) => (x.id === updated.id ? updated : x));
          this.#show();
        })
        .catch((err: unknown) => {
          yes.disabled = no.disabled = false;
          error.textContent = errorText(err);
        });
    };
    if (this.#focusCancel === i.id) {
      this.#focusCancel = undefined;
      queueMicrotask(() => no.focus());
    }
    return [question, yes, no];
  }
}

export function institutionsPanel(api: StaffApi): HTMLElement {
  const box = el('section', { class: 'institutions-view', 'data-testid': 'institutions' });
  const list = new InstitutionList(api);
  const slot = el('div');
  box.append(
    el('p', { class: 'muted small' }, ct('institutionsNote')),
    registrationForm(api, (institution, apiKey) => {
      slot.replaceChildren(credentials(institution, apiKey));
      void list.load();
    }),
    slot,
    list.element,
  );
  // Case numbers for the delivery logs; ids do when the list is out of reach.
  api
    .cases()
    .then((cases) => {
      list.caseNumbers = new Map(cases.map((c) => [c.id, c.caseNumber]));
    })
    .catch(() => undefined);
  void list.load();
  return box;
}
