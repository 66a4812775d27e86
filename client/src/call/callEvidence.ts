/**
 * The call page's evidence as one piece of its state: a party's case evidence
 * (on an invitation) or the session's list a mediator presents from, the item
 * open in the viewer, and who a presentation of this page's was opened for.
 * It follows the call client's events and the server's evidence changes, and
 * answers what the Vue parts ask (`EvidenceActions`); main.ts copies `view()`
 * and `viewer()` into the view state on each render.
 */
import type { EvidencePresentation } from '../../../signaling/contract.js';
import type { CallClient } from './CallClient.js';
import {
  EvidencePanel,
  SessionEvidenceList,
  watchEvidence,
  type CaseEvidenceView,
  type EvidenceActions,
  type PresentationAudience,
  type SessionEvidenceView,
  type ViewerState,
  type ViewerView,
} from './evidence.js';

export interface EvidenceHost {
  client(): CallClient | undefined;
  /** Joined (not waiting, not reconnecting): items may be presented. */
  joined(): boolean;
  /** An observer watches: never presents nor shares. */
  observer(): boolean;
  render(): void;
}

export class CallEvidence implements EvidenceActions {
  #panel: EvidencePanel | undefined;
  #session: SessionEvidenceList | undefined;
  #open: ViewerState | null = null;
  #seq = 0;
  /** Who this page's presentations were opened for, by item (the presenter is told). */
  readonly #audiences = new Map<string, PresentationAudience>();
  readonly #host: EvidenceHost;

  constructor(host: EvidenceHost) {
    this.#host = host;
  }

  /** On an invitation: the case's evidence, listed with the invitation. */
  async useCase(caseId: string, bearer: string): Promise<void> {
    this.#panel = new EvidencePanel({
      caseId,
      bearer,
      canPresent: () => this.#host.joined() && !this.#host.observer(),
      present: (id) => this.#present(id),
      canShare: () => !this.#host.observer(),
      onChange: () => this.#host.render(),
    });
    await this.#panel.load().catch(() => undefined);
  }

  /** Joined by session link with media to publish (the mediator): the session's evidence. */
  joined(client: CallClient, mediator: boolean): void {
    if (this.#panel || !client.joinResult?.canPublish.length) return;
    this.#session ??= new SessionEvidenceList(mediator);
    void this.#session
      .load(() => client.listEvidence())
      .then(
        () => this.#host.render(),
        () => undefined,
      );
  }

  /** Follows the call client's connection: shared, kept confidential or released items. */
  watch(client: CallClient): void {
    watchEvidence(client.signaling, {
      changed: () => this.#relist(),
      withdrawn: (evidenceId) => {
        // No longer this person's to see: the open item closes.
        if (this.#open?.evidenceId === evidenceId) this.#open = null;
        this.#relist();
        this.#host.render();
      },
    });
  }

  presented(p: EvidencePresentation): void {
    const { evidenceId, title, kind, presenterName, presenterId, url } = p;
    this.#show({ evidenceId, title, kind, presenterName, presenterId, url });
  }

  stopped(presenterId: string): void {
    if (this.#open?.presenterId === presenterId) this.#open = null;
    this.#host.render();
  }

  /** The side panel's evidence: a party's on an invitation, else the session's once joined. */
  side(): CaseEvidenceView | SessionEvidenceView | null {
    if (this.#panel) return this.#panel.view();
    return this.#host.joined() && this.#session ? this.#session.view() : null;
  }

  /** The open item; for its presenter, who sees it and whether it may be shared from there. */
  viewer(): ViewerView | null {
    const shown = this.#open;
    if (!shown) return null;
    const self = this.#host.client()?.self?.participantId;
    const audience = shown.evidenceId ? this.#audiences.get(shown.evidenceId) : undefined;
    const mine = audience && shown.presenterId !== undefined && shown.presenterId === self;
    const id = shown.evidenceId;
    const theirs = id !== undefined && (this.#panel?.shareable(id) ?? this.#session?.shareable(id));
    return {
      ...shown,
      audience: mine ? audience : undefined,
      canShare:
        mine === true && !audience.confidential && theirs === true && !this.#host.observer(),
    };
  }

  // What the Vue parts ask (EvidenceActions).

  open(itemId: string): void {
    const item = this.#panel?.items.find((i) => i.id === itemId);
    void this.#panel?.open(itemId).then((link) => {
      if (item && link)
        this.#show({ evidenceId: item.id, title: item.title, kind: item.kind, url: link.url });
    });
  }

  present(itemId: string): void {
    void this.#present(itemId);
  }

  async share(itemId: string): Promise<void> {
    await this.#panel?.share(itemId);
  }

  upload(form: HTMLFormElement): void {
    this.#panel?.upload(form);
  }

  refresh(): void {
    this.#relist();
  }

  async setConfidential(evidenceId: string, confidential: boolean): Promise<void> {
    await this.#host
      .client()
      ?.signaling.request('evidence:confidential', { evidenceId, confidential })
      .catch(() => undefined);
    await this.#relisted();
  }

  closeViewer(): void {
    const c = this.#host.client();
    // The presenter closing the item closes it for everyone.
    if (this.#open?.presenterId && this.#open.presenterId === c?.self?.participantId)
      void c.stopPresenting();
    this.#open = null;
    this.#host.render();
  }

  async shareViewed(evidenceId: string): Promise<void> {
    await this.#host.client()?.signaling.request('evidence:share', { evidenceId, shared: true });
    await this.#present(evidenceId);
  }

  #show(item: Omit<ViewerState, 'seq'>): void {
    this.#open = { seq: ++this.#seq, ...item };
    this.#host.render();
  }

  async #present(evidenceId: string): Promise<void> {
    const shown = await this.#host.client()?.presentEvidence(evidenceId);
    if (!shown) return;
    this.#audiences.set(evidenceId, shown);
    this.#host.render();
  }

  /** Lists again; every list this page shows follows at once. */
  #relist(): void {
    void this.#relisted();
  }

  async #relisted(): Promise<void> {
    await Promise.all([
      this.#panel?.load().catch(() => undefined),
      this.#session?.reload().then(
        () => this.#host.render(),
        () => undefined,
      ),
    ]);
  }
}
