/**
 * The party's or agent's 文书 inbox on the join page: the 送达地址确认书
 * first, then every document served on them. A Socket.IO connection of its
 * own (no session join needed) receives documents live and answers each
 * with `document:received` at once: that receipt is the legal "delivered"
 * moment. Opening a document fetches its PDF with the invitation token and
 * checks its SHA-256 (the server records the reading); the recipient
 * acknowledges, challenges the record or asks for a paper copy; an agreement
 * served on them can be signed here. Beside them, the card on whether caucus
 * material may go to a court or arbitration commission.
 *
 * Mounted beside the call page's root, not inside it, so the call page's
 * re-renders never touch it.
 */
import type { ServedDocument } from '../../../../signaling/contract.js';
import { el } from '../dom.js';
import { SignalingClient } from '../signaling.js';
import { DocumentsApi, invitationClaims, type FetchedPdf } from './api.js';
import { consentForm } from './ConsentForm.js';
import { DisclosureCard } from './DisclosureCard.js';
import { ReferralPreviewCard } from './ReferralPreviewCard.js';
import { PaymentOrderCard } from './PaymentOrderCard.js';
import type {
  DeliveryView,
  DocumentView,
  Inbox,
  ServiceConsentInput,
  ServiceConsentView,
} from './model.js';
import { SigningPanel } from './SigningPanel.js';
import { channelLabel, dt, kindLabel, statusLabel, when } from './strings.js';
import './documents.css';

/** Without a live connection (no session scheduled), the inbox is fetched this often. */
const POLL_MS = 20_000;

type Opened = FetchedPdf | 'loading' | { error: string };
type OpenForm = 'challenge' | 'paper' | null;

export class DocumentInbox {
  readonly root: HTMLElement;
  readonly #banner: HTMLElement;
  readonly #api: DocumentsApi;
  readonly #selfId: string;
  readonly #disclosure: DisclosureCard;
  readonly #preview: ReferralPreviewCard;
  readonly #paymentOrder: PaymentOrderCard;
  #socket: SignalingClient | undefined;
  #live = false;
  #consents: ServiceConsentView[] | undefined;
  #inbox: Inbox = { documents: [], deliveries: [] };
  #loadError: string | undefined;
  #editingConsent = false;
  #consentNode: HTMLElement | undefined;
  readonly #fresh = new Set<string>();
  readonly #opened = new Map<string, Opened>();
  readonly #forms = new Map<string, OpenForm>();
  readonly #drafts = new Map<string, string>();
  readonly #cards = new Map<string, { key: string; node: HTMLElement }>();
  readonly #signing = new Map<string, SigningPanel>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #builtIn = '';

  private constructor(invite: string, selfId: string, caseId: string) {
    this.#selfId = selfId;
    this.#api = new DocumentsApi(caseId, () => invite);
    this.#disclosure = new DisclosureCard(this.#api, selfId);
    this.#preview = new ReferralPreviewCard(this.#api);
    this.#paymentOrder = new PaymentOrderCard(this.#api);
    this.root = el('section', {
      class: 'doc-inbox',
      id: 'documents',
      'data-testid': 'documents',
      'aria-live': 'polite',
    });
    this.#banner = el('p', {
      class: 'banner doc-banner',
      role: 'status',
      hidden: '',
      'data-testid': 'documents-banner',
    });
  }

  /**
   * Puts the inbox after `page` (and its "fill in the form" reminder before
   * it). Only for parties and agents: they are the ones documents are served on.
   */
  static mount(
    page: HTMLElement,
    invite: string,
    sessionToken?: string,
  ): DocumentInbox | undefined {
    const claims = invitationClaims(invite);
    if (!claims || (claims.role !== 'party' && claims.role !== 'agent')) return undefined;
    const inbox = new DocumentInbox(invite, claims.sub, claims.caseId);
    page.before(inbox.#banner);
    page.after(inbox.root);
    // The page's language switch sets <html lang>: follow it.
    new MutationObserver(() => inbox.#render()).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
    });
    if (sessionToken) inbox.#connect(sessionToken);
    void inbox.#refresh();
    return inbox;
  }

  /** The live connection: documents pushed now and at every reconnection until received. */
  #connect(sessionToken: string): void {
    const socket = new SignalingClient(sessionToken);
    this.#socket = socket;
    socket.on('document:served', (notice) => void this.#served(notice));
    socket.socket.on('connect', () => {
      this.#live = true;
      this.#render();
    });
    socket.socket.on('disconnect', () => {
      this.#live = false;
      this.#render();
    });
    socket.socket.on('connect_error', () => {
      this.#live = false;
      this.#render();
    });
  }

  /** The receipt goes back at once: it is what makes the service complete. */
  async #served(notice: ServedDocument): Promise<void> {
    this.#fresh.add(notice.deliveryId);
    try {
      await this.#socket!.request('document:received', { deliveryId: notice.deliveryId });
    } catch {
      await this.#api.recipientStep(notice.deliveryId, 'delivered').catch(() => undefined);
    }
    await this.#refresh();
  }

  async #refresh(): Promise<void> {
    clearTimeout(this.#timer);
    // The card shows its own load error; it never fails the inbox.
    void this.#disclosure.load();
    void this.#preview.load();
    void this.#paymentOrder.load();
    try {
      const [consents, inbox] = await Promise.all([this.#api.consents(), this.#api.list()]);
      this.#consents = consents;
      this.#inbox = inbox;
      this.#loadError = undefined;
      // Without a live connection the fetch itself is how documents reach this page.
      if (!this.#live) {
        for (const d of inbox.deliveries.filter((x) => x.state === 'dispatched')) {
          const view = await this.#api.recipientStep(d.id, 'delivered').catch(() => undefined);
          if (view) this.#replace(view);
        }
      }
    } catch (error) {
      this.#loadError = (error as Error).message;
    }
    this.#render();
    this.#timer = setTimeout(() => void this.#refresh(), POLL_MS);
  }

  #replace(view: DeliveryView): void {
    this.#inbox.deliveries = this.#inbox.deliveries.map((d) => (d.id === view.id ? view : d));
  }

  #consent(): ServiceConsentView | undefined {
    return this.#consents?.reduce<ServiceConsentView | undefined>(
      (latest, c) => (!latest || c.givenAt > latest.givenAt ? c : latest),
      undefined,
    );
  }

  #render(): void {
    if (this.#builtIn !== document.documentElement.lang) {
      // Another language: every cached part is rebuilt.
      this.#builtIn = document.documentElement.lang;
      this.#cards.clear();
      this.#signing.clear();
      this.#consentNode = undefined;
    }
    const consent = this.#consent();
    // The call page comes first on a phone: say up there what waits down here.
    const needsConsent = this.#consents !== undefined && !consent;
    const pending = this.#inbox.deliveries.filter((d) =>
      ['dispatched', 'delivered', 'read'].includes(d.state),
    ).length;
    this.#banner.hidden = !needsConsent && pending === 0;
    const go = el(
      'button',
      { type: 'button', class: 'link', 'data-testid': 'documents-go' },
      needsConsent ? dt('consentGoTo') : dt('pendingGoTo'),
    );
    go.onclick = () => this.root.scrollIntoView({ behavior: 'smooth' });
    this.#banner.replaceChildren(
      el(
        'span',
        {},
        `${needsConsent ? dt('consentNeeded') : dt('pendingBanner', { n: pending })} `,
      ),
      go,
    );

    const heading = el('div', { class: 'doc-heading' });
    heading.append(
      el('h2', {}, dt('inboxTitle')),
      el(
        'span',
        { class: `chip ${this.#live ? 'live' : ''}`, 'data-testid': 'inbox-live' },
        this.#live ? dt('inboxLive') : dt('inboxOffline'),
      ),
    );
    const parts: HTMLElement[] = [heading];
    if (this.#loadError)
      parts.push(
        el('p', { class: 'error', role: 'alert' }, `${dt('loadFailed')}${this.#loadError}`),
      );
    if (this.#consents !== undefined) parts.push(this.#consentPart(consent));
    this.#disclosure.render();
    this.#paymentOrder.render();
    parts.push(
      this.#paymentOrder.element,
      this.#disclosure.element,
      this.#preview.element,
      this.#list(),
    );
    this.root.replaceChildren(...parts);
  }

  #consentPart(consent: ServiceConsentView | undefined): HTMLElement {
    if (!consent || this.#editingConsent) {
      this.#consentNode ??= consentForm(
        consent,
        (input) => this.#giveConsent(input),
        consent
          ? () => {
              this.#editingConsent = false;
              this.#consentNode = undefined;
              this.#render();
            }
          : undefined,
      );
      return this.#consentNode;
    }
    const box = el('div', { class: 'card doc-consent-summary', 'data-testid': 'consent-summary' });
    const addresses = consent.addresses
      .map((a) =>
        a.channel === 'in_app' ? channelLabel('in_app') : `${channelLabel(a.channel)} ${a.value}`,
      )
      .join('；');
    box.append(
      el(
        'strong',
        {},
        `${dt('consentSaved')} · ${consent.electronic ? dt('consentYes') : dt('consentNo')}`,
      ),
      el('p', { class: 'small' }, consent.electronic ? addresses : (consent.postalAddress ?? '')),
      el('p', { class: 'muted small' }, `${dt('consentGivenAt')}${when(consent.givenAt)}`),
    );
    const actions = el('div', { class: 'doc-actions' });
    const change = el(
      'button',
      { type: 'button', 'data-testid': 'consent-change' },
      dt('consentChange'),
    );
    change.onclick = () => {
      this.#editingConsent = true;
      this.#consentNode = undefined;
      this.#render();
    };
    actions.append(change);
    const form = this.#inbox.documents.find((d) => d.id === consent.documentId);
    if (form) actions.append(this.#openButton(`consent:${form.id}`, form, dt('viewConsent')));
    box.append(actions);
    const opened = this.#opened.get(`consent:${consent.documentId}`);
    if (opened) box.append(this.#openedPart(opened));
    return box;
  }

  async #giveConsent(input: ServiceConsentInput): Promise<void> {
    await this.#api.consent(input);
    this.#editingConsent = false;
    this.#consentNode = undefined;
    await this.#refresh();
  }

  #list(): HTMLElement {
    const list = el('ul', { class: 'doc-list', 'data-testid': 'inbox-list' });
    const deliveries = [...this.#inbox.deliveries].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    if (deliveries.length === 0) list.append(el('li', { class: 'muted' }, dt('inboxEmpty')));
    for (const d of deliveries) {
      const doc = this.#inbox.documents.find((x) => x.id === d.documentId);
      if (doc) list.append(this.#card(d, doc));
    }
    return list;
  }

  /** One served document; rebuilt only when what it shows changed (a typed reason survives). */
  #card(d: DeliveryView, doc: DocumentView): HTMLElement {
    const opened = this.#opened.get(d.id);
    const key = JSON.stringify([
      d.status,
      d.paperCopyRequested,
      d.served?.at,
      doc.superseded,
      this.#fresh.has(d.id),
      opened === undefined
        ? null
        : opened === 'loading'
          ? 'loading'
          : 'error' in opened
            ? opened.error
            : opened.url,
      this.#forms.get(d.id) ?? null,
    ]);
    const cached = this.#cards.get(d.id);
    if (cached && cached.key === key) {
      this.#updateSigning(doc);
      return cached.node;
    }
    const li = el('li', {
      class: `card doc-card ${d.status}`,
      'data-testid': 'inbox-item',
      'data-delivery': d.id,
      'data-document': doc.id,
      'data-status': d.status,
    });
    const title = el('div', { class: 'doc-title' });
    title.append(el('strong', {}, doc.title));
    if (doc.version > 1)
      title.append(el('span', { class: 'muted' }, ` ${dt('version', { n: doc.version })}`));
    if (this.#fresh.has(d.id)) title.append(el('span', { class: 'chip new' }, dt('newBadge')));
    title.append(
      el(
        'span',
        { class: `chip ${d.status}`, 'data-testid': 'delivery-status' },
        statusLabel(d.status),
      ),
    );
    if (d.paperCopyRequested) title.append(el('span', { class: 'chip' }, dt('paperCopyRequested')));
    li.append(
      title,
      el(
        'p',
        { class: 'muted small' },
        `${kindLabel(doc.kind)} · ${dt('issuedAt')}${when(doc.issuedAt)}${d.served ? ` · ${dt('servedAt')}${when(d.served.at)}` : ''}`,
      ),
      el('p', { class: 'hash small' }, `${dt('hash')}${doc.sha256}`),
    );
    if (doc.superseded) li.append(el('p', { class: 'notice small' }, dt('superseded')));

    const actions = el('div', { class: 'doc-actions' });
    actions.append(this.#openButton(d.id, doc, dt('open')));
    const acknowledged = d.state === 'acknowledged';
    const ack = el(
      'button',
      { type: 'button', class: acknowledged ? '' : 'primary', 'data-testid': 'acknowledge' },
      acknowledged ? dt('acknowledged') : dt('acknowledge'),
    );
    ack.disabled = acknowledged || d.state === 'offline_pending' || d.state === 'failed';
    ack.onclick = () =>
      void this.#step(d.id, ack, () => this.#api.recipientStep(d.id, 'acknowledge')).catch(
        () => undefined,
      );
    const challenge = el(
      'button',
      { type: 'button', 'data-testid': 'challenge' },
      d.challenged ? dt('challenged') : dt('challenge'),
    );
    challenge.disabled = d.challenged;
    challenge.onclick = () => this.#toggleForm(d.id, 'challenge');
    const paper = el(
      'button',
      { type: 'button', 'data-testid': 'paper-copy' },
      d.paperCopyRequested ? dt('paperCopyRequested') : dt('paperCopy'),
    );
    paper.disabled = d.paperCopyRequested;
    paper.onclick = () => this.#toggleForm(d.id, 'paper');
    actions.append(ack, challenge, paper);
    li.append(actions);

    const form = this.#forms.get(d.id);
    if (form) li.append(this.#stepForm(d.id, form));
    if (opened) li.append(this.#openedPart(opened));
    if (doc.kind === 'mediation_agreement' && doc.signing)
      li.append(this.#signingPanel(doc).element);
    this.#cards.set(d.id, { key, node: li });
    return li;
  }

  #signingPanel(doc: DocumentView): SigningPanel {
    let panel = this.#signing.get(doc.id);
    if (!panel) {
      panel = new SigningPanel(doc, {
        api: this.#api,
        selfId: this.#selfId,
        drawing: true,
        onSigned: () => void this.#refresh(),
      });
      this.#signing.set(doc.id, panel);
    } else panel.update(doc);
    return panel;
  }

  #updateSigning(doc: DocumentView): void {
    this.#signing.get(doc.id)?.update(doc);
  }

  #openButton(key: string, doc: DocumentView, text: string): HTMLButtonElement {
    const button = el('button', { type: 'button', 'data-testid': 'open-document' }, text);
    button.onclick = () => {
      this.#opened.set(key, 'loading');
      this.#render();
      this.#api.documentPdf(doc).then(
        (pdf) => {
          const previous = this.#opened.get(key);
          if (previous && previous !== 'loading' && 'url' in previous)
            URL.revokeObjectURL(previous.url);
          this.#opened.set(key, pdf);
          // Opening is reading: the server recorded it; show the new state.
          void this.#refresh();
        },
        (error: unknown) => {
          this.#opened.set(key, { error: (error as Error).message });
          this.#render();
        },
      );
    };
    return button;
  }

  #openedPart(opened: Opened): HTMLElement {
    const box = el('div', { class: 'doc-opened', 'data-testid': 'opened-document' });
    if (opened === 'loading') {
      box.append(el('p', { class: 'muted' }, dt('opening')));
      return box;
    }
    if ('error' in opened) {
      box.append(el('p', { class: 'error', role: 'alert' }, `${dt('failed')}${opened.error}`));
      return box;
    }
    box.dataset['sha256'] = opened.sha256 ?? '';
    box.dataset['verified'] = String(opened.verified);
    box.append(
      el(
        'p',
        {
          class: opened.verified === false ? 'error' : 'notice small',
          'data-testid': 'hash-check',
        },
        opened.verified === null
          ? dt('hashUnknown')
          : opened.verified
            ? dt('hashOk')
            : dt('hashBad'),
      ),
    );
    const links = el('div', { class: 'doc-actions' });
    links.append(
      el(
        'a',
        {
          href: opened.url,
          target: '_blank',
          rel: 'noopener',
          class: 'button',
          'data-testid': 'pdf-open',
        },
        dt('openPdf'),
      ),
      el(
        'a',
        {
          href: opened.url,
          download: opened.filename,
          class: 'button',
          'data-testid': 'pdf-download',
        },
        dt('downloadPdf'),
      ),
    );
    box.append(links);
    return box;
  }

  #toggleForm(deliveryId: string, form: Exclude<OpenForm, null>): void {
    this.#forms.set(deliveryId, this.#forms.get(deliveryId) === form ? null : form);
    this.#render();
  }

  #stepForm(deliveryId: string, form: Exclude<OpenForm, null>): HTMLElement {
    const box = el('form', { class: 'doc-step', 'data-testid': `${form}-form` });
    const draftKey = `${form}:${deliveryId}`;
    const input =
      form === 'challenge'
        ? el('textarea', { name: 'reason', maxlength: '2000', required: '', rows: '3' })
        : el('input', { name: 'postalAddress', maxlength: '300' });
    input.value = this.#drafts.get(draftKey) ?? '';
    input.addEventListener('input', () => this.#drafts.set(draftKey, input.value));
    const label = el(
      'label',
      {},
      form === 'challenge' ? dt('challengeReason') : dt('paperCopyAddress'),
    );
    label.append(input);
    const submit = el(
      'button',
      { type: 'submit', class: 'primary' },
      form === 'challenge' ? dt('challengeSubmit') : dt('paperCopySubmit'),
    );
    const cancel = el('button', { type: 'button' }, dt('cancel'));
    cancel.onclick = () => this.#toggleForm(deliveryId, form);
    const actions = el('div', { class: 'doc-actions' });
    actions.append(submit, cancel);
    box.append(label, actions);
    box.onsubmit = (e) => {
      e.preventDefault();
      const value = input.value.trim();
      if (form === 'challenge' && !value) {
        input.focus();
        return;
      }
      this.#step(deliveryId, submit, () =>
        form === 'challenge'
          ? this.#api.recipientStep(deliveryId, 'challenge', { reason: value })
          : this.#api.recipientStep(
              deliveryId,
              'paper-copy',
              value ? { postalAddress: value } : {},
            ),
      ).then(
        () => {
          this.#forms.set(deliveryId, null);
          this.#drafts.delete(draftKey);
          this.#render();
        },
        () => undefined,
      );
    };
    return box;
  }

  async #step(
    deliveryId: string,
    button: HTMLButtonElement,
    action: () => Promise<DeliveryView>,
  ): Promise<void> {
    button.disabled = true;
    try {
      this.#replace(await action());
      this.#render();
    } catch (error) {
      button.disabled = false;
      const card = this.#cards.get(deliveryId)?.node;
      card?.querySelector('.step-error')?.remove();
      card?.append(
        el(
          'p',
          { class: 'error step-error', role: 'alert' },
          `${dt('failed')}${(error as Error).message}`,
        ),
      );
      throw error;
    }
  }
}
