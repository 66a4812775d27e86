/**
 * The party's answer to a proposed extension of the mediation period, on
 * its own join page: the new end date and reason, who has answered, and
 * consent / refuse buttons for the party (or its agent with special
 * authority). The extension takes effect only when every party consented;
 * one refusal ends the proposal. Refreshed every few seconds while shown.
 */
import { el } from '../dom.js';
import { lang } from '../i18n.js';
import { ApiRefusal, requests, type Body, type Reply, type Requests } from '../request.js';
import { invitationClaims } from './api.js';
import { when } from './strings.js';
import './documents.css';

type Pair = readonly [zh: string, en: string];
const pick = (pair: Pair): string => pair[lang() === 'en' ? 1 : 0];

const S = {
  title: ['延长调解期限', 'Extension of the mediation period'],
  proposed: ['调解组织提议将调解期限延长至', 'The organisation proposes extending the period to'],
  reason: ['理由：', 'Reason: '],
  consent: ['同意延长', 'I consent'],
  refuse: ['不同意', 'I refuse'],
  consented: ['已同意', 'consented'],
  refusedOne: ['不同意', 'refused'],
  waiting: ['待答复', 'awaiting answer'],
  offline: ['（线下，凭证据登记）', ' (offline, recorded with proof)'],
  agreed: ['全体当事人已同意，调解期限已延长至', 'Every party consented: the period now ends on'],
  refused: ['有当事人不同意，延期方案已结束', 'A party refused: the proposal has ended'],
  rule: [
    '须每一方当事人同意方可延长；任何一方不同意，延期方案即结束。',
    'The period is extended only if every party consents; one refusal ends the proposal.',
  ],
  failed: ['操作失败：', 'Failed: '],
} as const satisfies Record<string, Pair>;

/** The proposals and each party's answer, as the shared HTTP contract describes them. */
type Proposals = Reply<'get', '/cases/:caseId/extension-proposals'>;
type Answer = Body<'post', '/cases/:caseId/extension-proposals/:proposalId/answer'>;

const POLL_MS = 3_000;

export class ExtensionPanel {
  readonly root = el('section', { class: 'extension-panel', 'data-testid': 'extension-panel' });
  readonly #requests: Requests;
  readonly #sub: string;
  readonly #case: { caseId: string };
  #proposals: Proposals = [];
  #problem = '';

  private constructor(invite: string, sub: string, caseId: string) {
    this.#requests = requests(() => invite);
    this.#sub = sub;
    this.#case = { caseId };
  }

  /** Beside the document inbox, for parties and agents only. */
  static mount(after: HTMLElement, invite: string): ExtensionPanel | undefined {
    const claims = invitationClaims(invite);
    if (!claims || (claims.role !== 'party' && claims.role !== 'agent')) return undefined;
    const panel = new ExtensionPanel(invite, claims.sub, claims.caseId);
    after.after(panel.root);
    new MutationObserver(() => panel.#render()).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
    });
    void panel.#poll();
    return panel;
  }

  async #poll(): Promise<void> {
    await this.#refresh();
    setTimeout(() => void this.#poll(), POLL_MS);
  }

  async #refresh(): Promise<void> {
    try {
      this.#proposals =
        (await this.#requests.sendIfOk('get', '/cases/:caseId/extension-proposals', {
          params: this.#case,
        })) ?? this.#proposals;
    } catch {
      // Offline for a moment: the next poll tries again.
    }
    this.#render();
  }

  async #answer(proposalId: string, decision: Answer['decision']): Promise<void> {
    try {
      await this.#requests.send('post', '/cases/:caseId/extension-proposals/:proposalId/answer', {
        params: { ...this.#case, proposalId },
        body: { decision },
      });
      this.#problem = '';
    } catch (error) {
      if (!(error instanceof ApiRefusal)) throw error;
      this.#problem = `${pick(S.failed)}${error.said}`;
    }
    await this.#refresh();
  }

  #render(): void {
    // Only the latest proposal matters to the party: older ones are history.
    const p = this.#proposals.at(-1);
    if (!p) {
      this.root.replaceChildren();
      this.root.hidden = true;
      return;
    }
    this.root.hidden = false;
    const card = el('div', {
      class: 'extension-proposal',
      'data-testid': 'extension-proposal',
      'data-status': p.status,
    });
    card.append(
      el('h3', {}, pick(S.title)),
      el('p', {}, `${pick(S.proposed)} ${p.newDueOn}`),
      el('p', { class: 'muted' }, `${pick(S.reason)}${p.reason}`),
      el('p', { class: 'muted small' }, pick(S.rule)),
    );
    const list = el('ul', { class: 'rows' });
    for (const party of p.parties) {
      const r = party.response;
      const state = r
        ? `${pick(r.decision === 'consent' ? S.consented : S.refusedOne)} ${when(r.at)}${r.offline ? pick(S.offline) : ''}`
        : pick(S.waiting);
      list.append(
        el(
          'li',
          { 'data-testid': 'extension-party', 'data-party': party.partyId },
          `${party.name}：${state}`,
        ),
      );
    }
    card.append(list);
    const answered = p.parties.some((x) => x.response?.byId === this.#sub);
    if (p.status === 'pending' && !answered) {
      const consent = el(
        'button',
        { type: 'button', 'data-testid': 'extension-consent' },
        pick(S.consent),
      );
      const refuse = el(
        'button',
        { type: 'button', class: 'secondary', 'data-testid': 'extension-refuse' },
        pick(S.refuse),
      );
      consent.addEventListener('click', () => void this.#answer(p.id, 'consent'));
      refuse.addEventListener('click', () => void this.#answer(p.id, 'refuse'));
      card.append(el('div', { class: 'actions' }), consent, ' ', refuse);
    } else if (p.status === 'agreed') {
      card.append(
        el('p', { 'data-testid': 'extension-outcome' }, `${pick(S.agreed)} ${p.newDueOn}`),
      );
    } else if (p.status === 'refused') {
      card.append(el('p', { 'data-testid': 'extension-outcome' }, pick(S.refused)));
    }
    if (this.#problem) card.append(el('p', { class: 'error', role: 'alert' }, this.#problem));
    this.root.replaceChildren(card);
  }
}
