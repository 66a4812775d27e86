/**
 * A party's procedural steps on its own page: a respondent agrees to, or
 * refuses, mediation of a party application (before acceptance), and a
 * party or agent asks for the mediator's recusal (回避申请) and sees the
 * organisation's decision with its reasons.
 */
import { el, labelled } from '../shared/dom.js';
import { lang } from '../shared/i18n.js';
import { ApiRefusal, requests, type Body, type Reply, type Requests } from '../shared/request.js';
import { tokenClaims } from '../shared/token.js';

type Pair = readonly [zh: string, en: string];
const pick = (pair: Pair): string => pair[lang() === 'en' ? 1 : 0];

const S = {
  agreementTitle: ['是否同意调解', 'Agreement to mediate'],
  agreementAsk: [
    '申请人已申请调解。请表示是否同意由本组织调解；不同意的，调解终止，申请人可以申请仲裁。',
    'The applicant asked for mediation. Say whether you agree to mediation by this organisation; if you refuse, mediation ends and the applicant may go to arbitration.',
  ],
  agree: ['同意调解', 'Agree to mediation'],
  refuse: ['不同意调解', 'Refuse mediation'],
  confirmRefuse: ['确定不同意调解？本案调解将终止。', 'Refuse mediation? The case will end.'],
  agreed: ['您已同意调解', 'You agreed to mediation'],
  refused: ['您已表示不同意调解，调解终止', 'You refused mediation; the case ended'],
  recusalTitle: ['申请调解员回避', 'Ask for the mediator’s recusal'],
  recusalHint: [
    '认为调解员与本案有利害关系或者可能影响公正调解的，可以申请回避，并说明理由。',
    'If you believe the mediator has an interest in the case or cannot mediate impartially, ask for recusal and give your reasons.',
  ],
  reasons: ['申请理由', 'Reasons'],
  submit: ['提交回避申请', 'Submit the request'],
  pending: ['已提交，等待组织决定', 'Submitted; awaiting the organisation’s decision'],
  granted: ['准予回避', 'Granted'],
  refusedDecision: ['驳回申请', 'Refused'],
  decisionReasons: ['决定理由', 'Reasons for the decision'],
  failed: ['提交失败：', 'Could not submit: '],
} satisfies Record<string, Pair>;

/** The case file as GET /cases/:caseId answers it (the shared HTTP contract). */
type CaseFile = Reply<'get', '/cases/:caseId'>;

/** The case and person an invitation names (display-only decoding; the server verifies). */
export function invitationClaims(invite: string): { caseId: string; personId: string } | undefined {
  const claims = tokenClaims(invite);
  const caseId = claims?.['caseId'];
  const personId = claims?.['sub'];
  return typeof caseId === 'string' && typeof personId === 'string'
    ? { caseId, personId }
    : undefined;
}

export class ProcedureCard {
  readonly #case: { caseId: string };
  readonly #requests: Requests;
  readonly #personId: string;
  readonly #onChange: () => void;
  #file: CaseFile | undefined;
  #error: string | undefined;
  readonly #reasons = el('textarea', {
    rows: '3',
    maxlength: '4000',
    'data-testid': 'recusal-reasons',
  });

  constructor(o: { caseId: string; invite: string; personId: string; onChange: () => void }) {
    this.#case = { caseId: o.caseId };
    this.#requests = requests(() => o.invite);
    this.#personId = o.personId;
    this.#onChange = o.onChange;
  }

  async load(): Promise<void> {
    // A refused read keeps what the card showed.
    this.#file =
      (await this.#requests.sendIfOk('get', '/cases/:caseId', { params: this.#case })) ??
      this.#file;
  }

  /** Empty when nothing applies to this person now. */
  elements(): HTMLElement[] {
    const f = this.#file;
    if (!f) return [];
    const out: HTMLElement[] = [];
    const respondent = this.#respondentId(f);
    const answer = respondent
      ? f.mediationResponses.filter((r) => r.respondentId === respondent).at(-1)
      : undefined;
    if (
      respondent &&
      f.case.source === 'party_application' &&
      (answer || f.case.status === 'registered')
    )
      out.push(this.#agreementCard(f, answer?.decision));
    const me = f.people.find((p) => p.id === this.#personId);
    const mine = f.recusalRequests.filter((r) => r.requestedBy === this.#personId);
    const canAsk =
      me !== undefined &&
      ['applicant', 'respondent', 'agent'].includes(me.kind) &&
      f.case.mediatorId !== null &&
      ['accepted', 'in_mediation'].includes(f.case.status);
    if (canAsk || mine.length > 0) out.push(this.#recusalCard(f, canAsk, mine));
    return out;
  }

  #respondentId(f: CaseFile): string | undefined {
    const me = f.people.find((p) => p.id === this.#personId);
    if (me?.kind === 'respondent') return me.id;
    if (me?.kind === 'agent') {
      const party = f.people.find((p) => p.id === me.representsId);
      if (party?.kind === 'respondent') return party.id;
    }
    return undefined;
  }

  #agreementCard(f: CaseFile, decision: 'agree' | 'refuse' | undefined): HTMLElement {
    const card = el('section', { class: 'procedure', 'data-testid': 'mediation-agreement' });
    card.append(el('h2', {}, pick(S.agreementTitle)));
    if (decision) {
      card.append(
        el(
          'p',
          { 'data-testid': 'mediation-answer', 'data-decision': decision },
          pick(decision === 'agree' ? S.agreed : S.refused),
        ),
      );
    }
    if (f.case.status === 'registered') {
      card.append(el('p', {}, pick(S.agreementAsk)));
      const agree = el(
        'button',
        { type: 'button', 'data-testid': 'agree-to-mediate' },
        pick(S.agree),
      );
      const refuse = el(
        'button',
        { type: 'button', class: 'secondary', 'data-testid': 'refuse-mediation' },
        pick(S.refuse),
      );
      agree.onclick = () => void this.#answer('agree');
      refuse.onclick = () => {
        if (window.confirm(pick(S.confirmRefuse))) void this.#answer('refuse');
      };
      card.append(agree, refuse);
    }
    this.#appendError(card);
    return card;
  }

  #recusalCard(f: CaseFile, canAsk: boolean, mine: CaseFile['recusalRequests']): HTMLElement {
    const card = el('section', { class: 'procedure', 'data-testid': 'recusal' });
    card.append(el('h2', {}, pick(S.recusalTitle)));
    for (const r of mine) {
      const item = el('div', { 'data-testid': 'recusal-request', 'data-status': r.status });
      item.append(
        el(
          'p',
          {},
          pick(
            r.status === 'pending'
              ? S.pending
              : r.status === 'granted'
                ? S.granted
                : S.refusedDecision,
          ),
        ),
      );
      if (r.decisionReasons)
        item.append(el('p', {}, `${pick(S.decisionReasons)}：${r.decisionReasons}`));
      card.append(item);
    }
    const pending = f.recusalRequests.some((r) => r.status === 'pending');
    if (canAsk && !pending) {
      card.append(el('p', {}, pick(S.recusalHint)));
      // One textarea for the page's life: the page re-renders often, and a draft must survive it.
      const reasons = this.#reasons;
      const submit = el(
        'button',
        { type: 'button', 'data-testid': 'recusal-submit' },
        pick(S.submit),
      );
      submit.onclick = () => {
        if (reasons.value.trim())
          void this.#step(
            this.#requests.send('post', '/cases/:caseId/recusal-requests', {
              params: this.#case,
              body: { reasons: reasons.value.trim() },
            }),
            () => (reasons.value = ''),
          );
      };
      card.append(labelled(pick(S.reasons), reasons), submit);
    }
    this.#appendError(card);
    return card;
  }

  #appendError(card: HTMLElement): void {
    if (this.#error)
      card.append(el('p', { class: 'error', role: 'alert' }, `${pick(S.failed)}${this.#error}`));
  }

  #answer(decision: Body<'post', '/cases/:caseId/mediation-response'>['decision']): void {
    void this.#step(
      this.#requests.send('post', '/cases/:caseId/mediation-response', {
        params: this.#case,
        body: { decision },
      }),
    );
  }

  /** Shows a refusal, or clears the last one; either way, the card then shows the case as it is now. */
  async #step(request: Promise<unknown>, done?: () => void): Promise<void> {
    try {
      await request;
      this.#error = undefined;
      done?.();
    } catch (error) {
      if (!(error instanceof ApiRefusal)) throw error;
      this.#error = error.said;
    }
    await this.load().catch(() => undefined);
    this.#onChange();
  }
}
