/**
 * A party's procedural steps as the card shows them: a respondent agrees to, or refuses,
 * mediation of a party application (before acceptance), and a party or agent asks for the
 * mediator's recusal (回避申请) and sees the organisation's decision with its reasons.
 */
import { ApiRefusal, requests, type Body, type Reply } from '../../shared/request.js';

/** The case file as GET /cases/:caseId answers it (the shared HTTP contract). */
export type CaseFile = Reply<'get', '/cases/:caseId'>;
export type RecusalRequest = CaseFile['recusalRequests'][number];
export type MediationDecision = Body<'post', '/cases/:caseId/mediation-response'>['decision'];

/** What applies to this person now; neither part when nothing does. */
export interface ProcedureView {
  /** The respondent's agreement to mediate: its answer so far, and whether it is still asked. */
  agreement?: { decision: MediationDecision | undefined; canAnswer: boolean };
  /** The person's own recusal requests, and whether it may ask (none is pending). */
  recusal?: { mine: readonly RecusalRequest[]; canAsk: boolean };
}

/** The card's state: the case file last read and the last refusal, if any. */
export interface ProcedureState {
  file: CaseFile | undefined;
  error: string | undefined;
}

function respondentId(f: CaseFile, personId: string): string | undefined {
  const me = f.people.find((p) => p.id === personId);
  if (me?.kind === 'respondent') return me.id;
  if (me?.kind === 'agent') {
    const party = f.people.find((p) => p.id === me.representsId);
    if (party?.kind === 'respondent') return party.id;
  }
  return undefined;
}

export function procedureView(f: CaseFile | undefined, personId: string): ProcedureView {
  if (!f) return {};
  const view: ProcedureView = {};
  const respondent = respondentId(f, personId);
  const answer = respondent
    ? f.mediationResponses.filter((r) => r.respondentId === respondent).at(-1)
    : undefined;
  if (
    respondent &&
    f.case.source === 'party_application' &&
    (answer || f.case.status === 'registered')
  )
    view.agreement = { decision: answer?.decision, canAnswer: f.case.status === 'registered' };
  const me = f.people.find((p) => p.id === personId);
  const mine = f.recusalRequests.filter((r) => r.requestedBy === personId);
  const mayAsk =
    me !== undefined &&
    ['applicant', 'respondent', 'agent'].includes(me.kind) &&
    f.case.mediatorId !== null &&
    ['accepted', 'in_mediation'].includes(f.case.status);
  if (mayAsk || mine.length > 0) {
    const pending = f.recusalRequests.some((r) => r.status === 'pending');
    view.recusal = { mine, canAsk: mayAsk && !pending };
  }
  return view;
}

export interface ProcedureActions {
  answer(decision: MediationDecision): Promise<void>;
  /** Whether the request was taken (the draft may then be cleared). */
  askRecusal(reasons: string): Promise<boolean>;
}

/**
 * The card's steps on `state`: each shows a refusal, or clears the last one; either way the
 * card then shows the case as it is now, and `onChange` tells the page.
 */
export function procedureActions(
  state: ProcedureState,
  o: { caseId: string; invite: string; onChange: () => void },
): ProcedureActions {
  const api = requests(() => o.invite);
  const params = { caseId: o.caseId };
  async function step(request: Promise<unknown>): Promise<boolean> {
    let taken = false;
    try {
      await request;
      state.error = undefined;
      taken = true;
    } catch (error) {
      if (!(error instanceof ApiRefusal)) throw error;
      state.error = error.said;
    }
    // A refused read keeps what the card showed.
    const file = await api.sendIfOk('get', '/cases/:caseId', { params }).catch(() => undefined);
    if (file) state.file = file;
    o.onChange();
    return taken;
  }
  return {
    async answer(decision) {
      await step(
        api.send('post', '/cases/:caseId/mediation-response', { params, body: { decision } }),
      );
    },
    askRecusal: (reasons) =>
      step(api.send('post', '/cases/:caseId/recusal-requests', { params, body: { reasons } })),
  };
}
