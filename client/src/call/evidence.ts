/**
 * The party's evidence panel (list, upload with progress, receipt with the
 * SHA-256) and the viewer that opens an item presented in the session.
 */
import type {
  EvidencePresentation,
  EvidenceSummary,
  EvidenceViewerInfo,
} from '../../../signaling/contract.js';
import { ROLE_LABELS } from '../../../signaling/roles.js';
import { el, labelled } from '../shared/dom.js';
import { formatSize } from '../shared/format.js';
import { label, lang, t, type Labels, type MessageKey } from '../shared/i18n.js';
import {
  ApiRefusal,
  apiUrl,
  refusal,
  requests,
  type Reply,
  type Requests,
} from '../shared/request.js';
import type { SignalingClient } from '../shared/signaling.js';

/** This module's own words (kept here so the shared catalogue stays untouched). */
const WORDS = {
  share: ['与各方共享', 'Share with every party'],
  shared: ['已与各方共享', 'shared with every party'],
  ownSide: ['仅本方和调解员可见', 'your side and the mediator only'],
  keepConfidential: ['设为背靠背保密', 'Keep confidential'],
  liftConfidential: ['解除保密', 'Lift confidentiality'],
  seenBy: ['可见：', 'Seen by: '],
  seenByNobody: ['除您以外无人可见', 'Nobody but you sees it'],
  keptToCaucus: [
    '（背靠背保密：对方看不到）',
    ' (caucus-confidential: the other side cannot see it)',
  ],
  openSeparately: ['在新窗口打开', 'Open in a new window'],
  actionFailed: ['操作失败：', 'Action failed: '],
} satisfies Labels<string>;
type Word = keyof typeof WORDS;
const w = (key: Word): string => label(WORDS, key);

/** What an item is filed as: evidence, or a party's identity or authorisation papers. */
export type EvidenceCategory = EvidenceListItem['category'];

const CATEGORIES: [EvidenceCategory, MessageKey][] = [
  ['evidence', 'categoryEvidence'],
  ['identity', 'categoryIdentity'],
  ['authorisation', 'categoryAuthorisation'],
  ['signed_agreement', 'categorySignedAgreement'],
];

function categoryLabel(category: EvidenceCategory): string {
  const key = CATEGORIES.find(([c]) => c === category)?.[1];
  return key ? t(key) : category;
}

/** An upload's reply: the item and its receipt (the shared HTTP contract). */
type Submitted = Reply<'post', '/cases/:caseId/evidence'>;

/** An item as GET /cases/:caseId/evidence lists it. */
export type EvidenceListItem = Submitted['item'];

/** The evidence receipt (证据收据) as the upload's reply carries it. */
export type EvidenceReceiptView = Submitted['receipt'];

const ACCEPT =
  '.pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.mp3,.m4a,.wav,.ogg,.opus,.mp4,.mov,.m4v,.webm,.docx,.xlsx,.txt,.csv,image/*,audio/*,video/*';

export interface EvidencePanelOptions {
  caseId: string;
  /** The invitation token the panel acts with. */
  bearer: string;
  /** Set while the page is in the session, to offer "present". */
  canPresent: () => boolean;
  present: (evidenceId: string) => Promise<void>;
  /** Whether this person may share their side's items (not an observer). */
  canShare?: () => boolean;
  onChange: () => void;
}

/** Holds the list and the upload state; renders into the page on demand. */
export class EvidencePanel {
  items: EvidenceListItem[] = [];
  progress: number | null = null;
  receipt: EvidenceReceiptView | null = null;
  error: string | null = null;
  readonly #o: EvidencePanelOptions;

  readonly #requests: Requests;
  readonly #case: { caseId: string };

  constructor(options: EvidencePanelOptions) {
    this.#o = options;
    this.#requests = requests(() => options.bearer);
    this.#case = { caseId: options.caseId };
  }

  async load(): Promise<void> {
    const reply = await this.#requests.sendIfOk('get', '/cases/:caseId/evidence', {
      params: this.#case,
    });
    if (reply) this.items = reply.items;
    this.#o.onChange();
  }

  /** Uploads with progress (XMLHttpRequest reports upload progress; fetch does not). */
  upload(form: HTMLFormElement): void {
    const data = new FormData(form);
    const file = data.get('file');
    // The file goes last, so the fields are known before its bytes arrive.
    data.delete('file');
    if (file) data.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl('post', '/cases/:caseId/evidence', { params: this.#case }));
    xhr.setRequestHeader('Authorization', `Bearer ${this.#o.bearer}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        this.progress = Math.round((e.loaded / e.total) * 100);
        this.#o.onChange();
      }
    };
    xhr.onload = () => {
      this.progress = null;
      const json: unknown = JSON.parse(xhr.responseText || '{}');
      const { receipt } = json as Partial<Submitted>;
      if (xhr.status === 201 && receipt) {
        this.receipt = receipt;
        this.error = null;
        form.reset();
        void this.load();
      } else {
        void refusal(xhr.status, json).then(({ said }) => {
          this.error = said;
          this.#o.onChange();
        });
      }
    };
    xhr.onerror = () => {
      this.progress = null;
      this.error = t('uploadFailed');
      this.#o.onChange();
    };
    this.progress = 0;
    this.error = null;
    this.receipt = null;
    this.#o.onChange();
    xhr.send(data);
  }

  /** Shares one of this side's items with every party (the case file route; works outside the call too). */
  async share(itemId: string): Promise<void> {
    await this.#requests
      .send('post', '/cases/:caseId/evidence/:itemId/visibility', {
        params: { ...this.#case, itemId },
        body: { shared: true },
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiRefusal)) throw error;
        this.error = `${w('actionFailed')}${error.said}`;
      });
    await this.load();
  }

  async open(itemId: string): Promise<{ url: string } | undefined> {
    return this.#requests.sendIfOk('post', '/cases/:caseId/evidence/:itemId/view-link', {
      params: { ...this.#case, itemId },
    });
  }

  #root: HTMLElement | undefined;
  #builtIn = '';
  #list: HTMLElement | undefined;
  #status: HTMLElement | undefined;
  #submit: HTMLButtonElement | undefined;

  /**
   * The panel's element. Created once and updated in place, so a re-render of
   * the page never loses what the user typed or the file they picked.
   */
  element(onView: (item: EvidenceListItem, url: string) => void): HTMLElement {
    // Rebuilt in the other language after a switch (the typed fields start over).
    if (this.#builtIn !== lang()) {
      this.#builtIn = lang();
      this.#build();
      this.#listSignature = '';
    }
    // Rebuilt only when its content changes: a button being tapped must not be replaced.
    const signature = `${this.#o.canPresent()}|${lang()}|${this.items.map((i) => `${i.id}:${i.shared}:${i.confidential}`).join(',')}`;
    if (signature !== this.#listSignature) {
      this.#listSignature = signature;
      this.#renderList(onView);
    }

    const status = this.#status!;
    status.replaceChildren();
    this.#submit!.disabled = this.progress !== null;
    if (this.progress !== null) {
      status.append(
        el('progress', {
          max: '100',
          value: String(this.progress),
          'data-testid': 'upload-progress',
        }),
        el('span', {}, ` ${this.progress}%`),
      );
    }
    if (this.error)
      status.append(el('p', { class: 'error', 'data-testid': 'upload-error' }, this.error));
    if (this.receipt) status.append(receiptView(this.receipt));
    return this.#root!;
  }

  #listSignature = '';

  #renderList(onView: (item: EvidenceListItem, url: string) => void): void {
    const list = this.#list!;
    list.replaceChildren();
    for (const item of this.items) {
      const li = el('li', { 'data-testid': 'evidence-item', 'data-evidence': item.id });
      li.append(
        el('strong', {}, item.title),
        el(
          'span',
          { 'data-testid': 'evidence-item-category', 'data-category': item.category },
          ` · ${categoryLabel(item.category)}`,
        ),
        el('span', {}, ` · ${item.label} · ${formatSize(item.size)}`),
        el('code', { title: item.sha256 }, ` SHA-256 ${item.sha256.slice(0, 16)}…`),
        visibilityBadge(item),
      );
      const view = el('button', { class: 'small' }, t('view'));
      view.onclick = () =>
        void this.open(item.id).then((link) => {
          if (link) onView(item, link.url);
        });
      li.append(view);
      if (this.#o.canPresent()) {
        const present = el('button', { class: 'small', 'data-testid': 'present' }, t('present'));
        present.onclick = () => void this.#o.present(item.id);
        li.append(present);
      }
      // An item listed and not shared is this side's own: it may go to every party.
      if (!item.shared && (this.#o.canShare?.() ?? true)) {
        const share = el('button', { class: 'small', 'data-testid': 'share' }, w('share'));
        share.onclick = () => {
          share.disabled = true;
          void this.share(item.id);
        };
        li.append(share);
      }
      list.append(li);
    }
    if (this.items.length === 0) list.append(el('li', { class: 'muted' }, t('noEvidence')));
  }

  /** Whether this page may share the item now (listed, not yet shared). */
  shareable(itemId: string): boolean {
    const item = this.items.find((i) => i.id === itemId);
    return item !== undefined && !item.shared && (this.#o.canShare?.() ?? true);
  }

  #build(): void {
    const section = el('section', { class: 'evidence', 'data-testid': 'evidence' });
    section.append(el('h2', {}, t('evidence')));
    this.#list = el('ul', { class: 'evidence-list' });
    section.append(this.#list);
    const form = el('form', { class: 'upload', 'data-testid': 'upload-form' });
    // Identity and authorisation papers go with an application to a court or commission.
    const category = el('select', { name: 'category', 'data-testid': 'evidence-category' });
    // A signed paper agreement is filed by the organisation when it records the paper signing.
    for (const [value, key] of CATEGORIES)
      if (value !== 'signed_agreement') category.append(el('option', { value }, t(key)));
    form.append(
      labelled(t('category'), category),
      labelled(t('evidenceTitle'), el('input', { name: 'title', required: '', maxlength: '200' })),
      labelled(
        t('evidencePurpose'),
        el('textarea', { name: 'purpose', required: '', maxlength: '2000', rows: '2' }),
      ),
    );
    const kind = el('select', { name: 'originalOrCopy' });
    kind.append(
      el('option', { value: 'copy' }, t('copy')),
      el('option', { value: 'original' }, t('original')),
    );
    form.append(labelled(t('originalOrCopy'), kind));
    form.append(
      labelled(
        t('file'),
        el('input', { name: 'file', type: 'file', required: '', accept: ACCEPT }),
      ),
    );
    this.#submit = el(
      'button',
      { type: 'submit', class: 'primary', 'data-testid': 'upload' },
      t('upload'),
    );
    form.append(this.#submit);
    form.onsubmit = (e) => {
      e.preventDefault();
      this.upload(form);
    };
    section.append(form);
    this.#status = el('div', { class: 'upload-status' });
    section.append(this.#status);
    this.#root = section;
  }
}

/** Who may see an item: kept to a caucus, shared with every party, or this side's own. */
function visibilityBadge(item: { shared: boolean; confidential: boolean }): HTMLElement {
  const state = item.confidential ? 'confidential' : item.shared ? 'shared' : 'own';
  return el(
    'span',
    {
      class: `badge visibility ${state}`,
      'data-testid': 'evidence-visibility',
      'data-state': state,
    },
    item.confidential ? t('confidential') : w(item.shared ? 'shared' : 'ownSide'),
  );
}

function receiptView(r: EvidenceReceiptView): HTMLElement {
  const box = el('div', { class: 'receipt', 'data-testid': 'receipt' });
  box.append(
    el('h3', {}, t('receipt')),
    el(
      'p',
      {},
      `${r.title}（${r.filename}）· ${formatSize(r.size)}${r.pages ? ` · ${r.pages} ${t('pages')}` : ''} · ${r.originalOrCopy === 'original' ? t('original') : t('copy')}`,
    ),
    el('p', {}, `${t('receivedAt')}${new Date(r.receivedAt).toLocaleString()} · ${r.receivedBy}`),
    el('p', { class: 'hash', 'data-testid': 'receipt-sha256' }, `SHA-256 ${r.sha256}`),
  );
  if (r.activeContent?.length)
    box.append(
      el(
        'p',
        { class: 'warning', 'data-testid': 'receipt-active-content' },
        `${t('activeContent')}${r.activeContent.join(', ')}`,
      ),
    );
  return box;
}

/** A full-screen viewer for an item: image, PDF, audio and video with seeking, or a download. */
export function evidenceViewer(
  item: { title: string; kind: EvidencePresentation['kind']; presenterName?: string },
  url: string,
  onClose: () => void,
): HTMLElement {
  const overlay = el('div', {
    class: 'viewer',
    role: 'dialog',
    'aria-modal': 'true',
    'data-testid': 'evidence-viewer',
  });
  const bar = el('div', { class: 'viewer-bar' });
  const heading = item.presenterName
    ? `${item.presenterName}${t('presents')}${item.title}`
    : item.title;
  const titles = el('div', { class: 'viewer-titles' });
  titles.append(
    el('strong', {}, heading),
    // Filled for the presenter: who the item was opened for.
    el('p', { class: 'viewer-audience', 'data-testid': 'viewer-audience', hidden: '' }),
  );
  bar.append(titles);
  const actions = el('div', { class: 'viewer-actions' });
  if (item.kind === 'pdf') {
    // Where the browser shows no PDF inside a page (some phones), it opens on its own.
    actions.append(
      el(
        'a',
        { href: url, target: '_blank', rel: 'noopener', 'data-testid': 'viewer-open' },
        w('openSeparately'),
      ),
    );
  }
  const close = el('button', { 'data-testid': 'close-viewer' }, t('close'));
  close.onclick = onClose;
  actions.append(close);
  bar.append(actions);
  overlay.append(bar);
  let body: HTMLElement;
  switch (item.kind) {
    case 'image':
      body = el('img', { src: url, alt: item.title });
      break;
    case 'pdf':
    case 'text':
      body = el('iframe', { src: url, title: item.title });
      break;
    case 'audio':
      body = el('audio', { src: url, controls: '', preload: 'metadata' });
      break;
    case 'video':
      body = el('video', { src: url, controls: '', preload: 'metadata', playsinline: '' });
      break;
    case 'document':
      body = el('a', { href: `${url}&download=1`, download: '' }, t('download'));
      break;
  }
  body.setAttribute('data-testid', `viewer-${item.kind}`);
  overlay.append(body);
  return overlay;
}

/** Who a presented item was opened for, as the server told the presenter. */
export interface PresentationAudience {
  viewers: EvidenceViewerInfo[];
  confidential: boolean;
}

/**
 * Tells the presenter, in the viewer's header, who sees the item; offers to
 * share it with every party when it is theirs to share (`share`).
 */
export function showAudience(
  viewer: HTMLElement,
  audience: PresentationAudience,
  share: (() => Promise<void>) | undefined,
): void {
  const line = viewer.querySelector<HTMLElement>('[data-testid=viewer-audience]');
  if (!line) return;
  const names = audience.viewers.map((v) => {
    const role = ROLE_LABELS[v.role];
    return `${lang() === 'en' ? role.en : role.zh} ${v.displayName}`;
  });
  const text =
    (names.length > 0
      ? `${w('seenBy')}${names.join(lang() === 'en' ? ', ' : '、')}`
      : w('seenByNobody')) + (audience.confidential ? w('keptToCaucus') : '');
  const signature = `${text}|${share !== undefined}`;
  if (line.dataset['signature'] === signature) return;
  line.dataset['signature'] = signature;
  line.dataset['viewers'] = audience.viewers.map((v) => v.participantId).join(',');
  line.hidden = false;
  line.replaceChildren(text);
  if (share) {
    const button = el('button', { class: 'small', 'data-testid': 'viewer-share' }, w('share'));
    button.onclick = () => {
      button.disabled = true;
      share().catch((error: unknown) => {
        button.disabled = false;
        line.append(
          el('span', { class: 'error' }, ` ${w('actionFailed')}${(error as Error).message}`),
        );
      });
    };
    line.append(' ', button);
  }
}

/**
 * Holds the open viewer outside the page that every render rebuilds: an
 * iframe or a media element taken out of the document and put back starts
 * over (a PDF reloads before it can paint, a video pauses, and each reload
 * is one more custody event). Used like MediaShelf: `beginRender`, `show`
 * while rendering, `endRender`.
 */
export class ViewerHost {
  readonly #host = el('div', { class: 'viewer-host' });
  #wanted: HTMLElement | null = null;

  beginRender(): void {
    this.#wanted = null;
  }

  show(viewer: HTMLElement): void {
    this.#wanted = viewer;
  }

  endRender(): void {
    if (!this.#host.isConnected) document.body.append(this.#host);
    if (this.#wanted === null) this.#host.replaceChildren();
    else if (this.#host.firstElementChild !== this.#wanted)
      this.#host.replaceChildren(this.#wanted);
  }
}

/** Follows the server's word that an item was shared, kept confidential or released. */
export function watchEvidence(
  signaling: SignalingClient,
  on: { changed(item: EvidenceSummary): void; withdrawn(evidenceId: string): void },
): void {
  signaling.on('evidence:updated', ({ item }) => on.changed(item));
  signaling.on('evidence:withdrawn', ({ evidenceId }) => on.withdrawn(evidenceId));
}

/**
 * The evidence a participant joined by session link (the mediator) may
 * present, listed over the session's own connection. Submitting evidence
 * stays with invitation links and the case file.
 */
export class SessionEvidenceList {
  #items: EvidenceSummary[] = [];
  #signature = '';
  readonly #root = el('section', { class: 'evidence', 'data-testid': 'session-evidence' });
  readonly #list = el('ul', { class: 'evidence-list' });
  readonly #present: (id: string) => Promise<void>;
  readonly #setConfidential: ((id: string, confidential: boolean) => Promise<void>) | undefined;

  /** `setConfidential`: given to the mediator, who keeps items confidential or lifts that. */
  constructor(
    present: (id: string) => Promise<void>,
    setConfidential?: (id: string, confidential: boolean) => Promise<void>,
  ) {
    this.#present = present;
    this.#setConfidential = setConfidential;
    const refresh = el(
      'button',
      { class: 'small', 'data-testid': 'refresh-evidence' },
      t('refresh'),
    );
    refresh.onclick = () => void this.#reload?.();
    this.#heading.append(this.#headingText, ' ', refresh);
    this.#refresh = refresh;
    this.#root.append(this.#heading, this.#list);
  }

  readonly #heading = el('h2');
  readonly #headingText = document.createTextNode('');
  #refresh: HTMLButtonElement | undefined;

  #reload: (() => Promise<void>) | undefined;

  async load(list: () => Promise<EvidenceSummary[]>): Promise<void> {
    this.#reload = () => this.load(list);
    this.#items = await list();
    const signature = `${lang()}|${this.#items.map((i) => `${i.id}:${i.shared}:${i.confidential}`).join(',')}`;
    if (signature === this.#signature) return;
    this.#signature = signature;
    this.#list.replaceChildren();
    for (const item of this.#items) {
      const li = el('li', { 'data-testid': 'evidence-item', 'data-evidence': item.id });
      li.append(
        el('strong', {}, item.title),
        el('span', {}, ` · ${item.label} · ${formatSize(item.size)}`),
        el('code', { title: item.sha256 }, ` SHA-256 ${item.sha256.slice(0, 16)}…`),
      );
      li.append(visibilityBadge(item));
      const present = el('button', { class: 'small', 'data-testid': 'present' }, t('present'));
      present.onclick = () => void this.#present(item.id);
      li.append(present);
      const setConfidential = this.#setConfidential;
      if (setConfidential) {
        const toggle = el(
          'button',
          {
            class: 'small',
            'data-testid': 'confidential-toggle',
            'aria-pressed': String(item.confidential),
          },
          w(item.confidential ? 'liftConfidential' : 'keepConfidential'),
        );
        toggle.onclick = () => {
          toggle.disabled = true;
          void setConfidential(item.id, !item.confidential).finally(() => this.#reload?.());
        };
        li.append(toggle);
      }
      this.#list.append(li);
    }
    if (this.#items.length === 0) this.#list.append(el('li', { class: 'muted' }, t('noEvidence')));
  }

  /** Whether the item is listed and not yet shared with every party. */
  shareable(itemId: string): boolean {
    const item = this.#items.find((i) => i.id === itemId);
    return item !== undefined && !item.shared;
  }

  /** Lists again (after a change announced by the server). */
  async reload(): Promise<void> {
    await this.#reload?.();
  }

  element(): HTMLElement {
    this.#headingText.textContent = t('evidence');
    if (this.#refresh) this.#refresh.textContent = t('refresh');
    return this.#root;
  }
}
