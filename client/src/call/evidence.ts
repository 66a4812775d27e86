/**
 * Evidence on the call page: the party's case evidence (list, upload with
 * progress, the receipt with the SHA-256), the list a mediator presents from,
 * and the server's word that an item changed. Drawn by view/CaseEvidence.vue,
 * view/SessionEvidence.vue and view/EvidenceViewer.vue from `view()`.
 */
import type {
  EvidencePresentation,
  EvidenceSummary,
  EvidenceViewerInfo,
} from '../../../signaling/contract.js';
import { t } from '../shared/i18n.js';
import {
  ApiRefusal,
  apiUrl,
  refusal,
  requests,
  type Reply,
  type Requests,
} from '../shared/request.js';
import type { SignalingClient } from '../shared/signaling.js';

/** What an item is filed as: evidence, or a party's identity or authorisation papers. */
export type EvidenceCategory = EvidenceListItem['category'];

/** An upload's reply: the item and its receipt (the shared HTTP contract). */
type Submitted = Reply<'post', '/cases/:caseId/evidence'>;

/** An item as GET /cases/:caseId/evidence lists it. */
export type EvidenceListItem = Submitted['item'];

/** The evidence receipt (证据收据) as the upload's reply carries it. */
export type EvidenceReceiptView = Submitted['receipt'];

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

/** Holds the list and the upload state. */
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
        this.error = `${t('actionFailed')}${error.said}`;
      });
    await this.load();
  }

  async open(itemId: string): Promise<{ url: string } | undefined> {
    return this.#requests.sendIfOk('post', '/cases/:caseId/evidence/:itemId/view-link', {
      params: { ...this.#case, itemId },
    });
  }

  /** What view/CaseEvidence.vue shows. */
  view(): CaseEvidenceView {
    return {
      kind: 'case',
      items: this.items,
      progress: this.progress,
      receipt: this.receipt,
      error: this.error,
      canPresent: this.#o.canPresent(),
      canShare: this.#o.canShare?.() ?? true,
    };
  }

  /** Whether this page may share the item now (listed, not yet shared). */
  shareable(itemId: string): boolean {
    const item = this.items.find((i) => i.id === itemId);
    return item !== undefined && !item.shared && (this.#o.canShare?.() ?? true);
  }
}

/** Who a presented item was opened for, as the server told the presenter. */
export interface PresentationAudience {
  viewers: EvidenceViewerInfo[];
  confidential: boolean;
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
  #reload: (() => Promise<void>) | undefined;
  /** Given to the mediator, who keeps items confidential or lifts that. */
  readonly canSetConfidential: boolean;

  constructor(canSetConfidential: boolean) {
    this.canSetConfidential = canSetConfidential;
  }

  async load(list: () => Promise<EvidenceSummary[]>): Promise<void> {
    this.#reload = () => this.load(list);
    this.#items = await list();
  }

  /** Whether the item is listed and not yet shared with every party. */
  shareable(itemId: string): boolean {
    const item = this.#items.find((i) => i.id === itemId);
    return item !== undefined && !item.shared;
  }

  /** Lists again (after a change announced by the server, or asked for). */
  async reload(): Promise<void> {
    await this.#reload?.();
  }

  /** What view/SessionEvidence.vue shows. */
  view(): SessionEvidenceView {
    return { kind: 'session', items: this.#items, canSetConfidential: this.canSetConfidential };
  }
}

/** The party's case evidence as the side panel shows it. */
export interface CaseEvidenceView {
  kind: 'case';
  items: readonly EvidenceListItem[];
  progress: number | null;
  receipt: EvidenceReceiptView | null;
  error: string | null;
  /** In the session, not an observer: "present" is offered. */
  canPresent: boolean;
  /** This person may share their side's items (not an observer). */
  canShare: boolean;
}

/** The session's evidence as the mediator's side panel shows it. */
export interface SessionEvidenceView {
  kind: 'session';
  items: readonly EvidenceSummary[];
  canSetConfidential: boolean;
}

/** An item open on this screen: opened here, or presented by someone in the session. */
export interface ViewerState {
  /** A new one for each opening: the viewer starts over only then. */
  seq: number;
  evidenceId?: string;
  title: string;
  kind: EvidencePresentation['kind'];
  presenterName?: string;
  presenterId?: string;
  url: string;
}

/** The open item as view/EvidenceViewer.vue shows it. */
export interface ViewerView extends ViewerState {
  /** For its presenter: who sees it. */
  audience: PresentationAudience | undefined;
  /** For its presenter: it is theirs to share with every party now. */
  canShare: boolean;
}

/** What the evidence parts ask the page to do. */
export interface EvidenceActions {
  /** Opens a listed item in the viewer (the party's panel). */
  open(itemId: string): void;
  present(itemId: string): void;
  /** Shares one of this side's items with every party; settles once relisted. */
  share(itemId: string): Promise<void>;
  upload(form: HTMLFormElement): void;
  refresh(): void;
  /** The mediator keeps an item confidential or lifts that; settles once relisted. */
  setConfidential(itemId: string, confidential: boolean): Promise<void>;
  closeViewer(): void;
  /** Shares the item open in the viewer, then shows it again to those who now may see it. */
  shareViewed(evidenceId: string): Promise<void>;
}
