/**
 * A party's procedural steps on its own page: a respondent agrees to, or
 * refuses, mediation of a party application (before acceptance), and a
 * party or agent asks for the mediator's recusal (回避申请) and sees the
 * organisation's decision with its reasons.
 */
import { el, labelled } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { ApiRefusal, requests, type Body, type Reply, type Requests } from '../shared/request.js';
import { tokenClaims } from '../shared/token.js';

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
    card.append(el('h2', {}, t('procedureAgreementTitle')));
    if (decision) {
      card.append(
        el(
          'p',
          { 'data-testid': 'mediation-answer', 'data-decision': decision },
          t(decision === 'agree' ? 'procedureAgreed' : 'procedureRefused'),
        ),
      );
    }
    if (f.case.status === 'registered') {
      card.append(el('p', {}, t('procedureAgreementAsk')));
      const agree = el(
        'button',
        { type: 'button', 'data-testid': 'agree-to-mediate' },
        t('procedureAgree'),
      );
      const refuse = el(
        'button',
        { type: 'button', class: 'secondary', 'data-testid': 'refuse-mediation' },
        t('procedureRefuse'),
      );
      agree.onclick = () => void this.#answer('agree');
      refuse.onclick = () => {
        if (window.confirm(t('procedureConfirmRefuse'))) void this.#answer('refuse');
      };
      card.append(agree, refuse);
    }
    this.#appendError(card);
    return card;
  }

  #recusalCard(f: CaseFile, canAsk: boolean, mine: CaseFile['recusalRequests']): HTMLElement {
    const card = el('section', { class: 'procedure', 'data-testid': 'recusal' });
    card.append(el('h2', {}, t('procedureRecusalTitle')));
    for (const r of mine) {
      const item = el('div', { 'data-testid': 'recusal-request', 'data-status': r.status });
      item.append(
        el(
          'p',
          {},
          t(
            r.status === 'pending'
              ? 'procedurePending'
              : r.status === 'granted'
                ? 'procedureGranted'
                : 'procedureRefusedDecision',
          ),
        ),
      );
      if (r.decisionReasons)
        item.append(el('p', {}, `${t('procedureDecisionReasons')}：${r.decisionReasons}`));
      card.append(item);
    }
    const pending = f.recusalRequests.some((r) => r.status === 'pending');
    if (canAsk && !pending) {
      card.append(el('p', {}, t('procedureRecusalHint')));
      // One textarea for the page's life: the page re-renders often, and a draft must survive it.
      const reasons = this.#reasons;
      const submit = el(
        'button',
        { type: 'button', 'data-testid': 'recusal-submit' },
        t('procedureSubmit'),
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
      card.append(labelled(t('procedureReasons'), reasons), submit);
    }
    this.#appendError(card);
    return card;
  }

  #appendError(card: HTMLElement): void {
    if (this.#error)
      card.append(
        el('p', { class: 'error', role: 'alert' }, `${t('procedureFailed')}${this.#error}`),
      );
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
