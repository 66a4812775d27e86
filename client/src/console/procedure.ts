/**
 * The clerk's side of two procedural safeguards: the respondents' agreement
 * to mediate a party application (each answer, and an answer given offline
 * recorded with its proof), and recusal requests (回避申请) waiting for the
 * organisation's decision, which is always given with reasons.
 */
import { el, labelled } from '../dom.js';
import { lang } from '../i18n.js';
import type { CaseFileView, StaffApi } from './api.js';
import { formatTime } from './labels.js';

type Pair = readonly [zh: string, en: string];
const pick = (pair: Pair): string => pair[lang() === 'en' ? 1 : 0];

const S = {
  agreementTitle: ['被申请人是否同意调解', 'Respondents’ agreement to mediate'],
  agreed: ['同意', 'agreed'],
  refusedMediation: ['不同意', 'refused'],
  noAnswer: ['尚未表示', 'no answer yet'],
  offline: ['（线下，附证明）', ' (offline, with proof)'],
  recordOffline: ['登记线下表示', 'Record an offline answer'],
  respondent: ['被申请人', 'Respondent'],
  decision: ['表示', 'Answer'],
  agree: ['同意调解', 'agrees'],
  refuse: ['不同意调解', 'refuses'],
  evidence: ['证明材料（证据）', 'Proof (evidence item)'],
  note: ['说明', 'Note'],
  save: ['登记', 'Record'],
  noEvidence: ['请先在“证据”中上传证明材料', 'Upload the proof under Evidence first'],
  recusalTitle: ['回避申请', 'Recusal requests'],
  pending: ['待决定', 'pending'],
  granted: ['准予回避', 'granted'],
  refusedRecusal: ['驳回', 'refused'],
  reasons: ['申请理由', 'Reasons'],
  decisionReasons: ['决定理由', 'Reasons for the decision'],
  grant: ['准予回避', 'Grant'],
  refuseRecusal: ['驳回申请', 'Refuse'],
  needReasons: ['请填写决定理由', 'Give the reasons'],
  failed: ['操作失败：', 'Failed: '],
} satisfies Record<string, Pair>;

export function procedureSection(
  api: StaffApi,
  caseId: string,
  file: CaseFileView,
  reload: () => void,
): HTMLElement {
  const box = el('section', { class: 'file-section', 'data-testid': 'procedure' });
  const names = new Map(file.people.map((p) => [p.id, p.name]));
  const error = el('p', { class: 'error', role: 'alert' });
  const act = async (call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
      reload();
    } catch (e) {
      error.textContent = `${pick(S.failed)}${(e as Error).message}`;
    }
  };

  if (file.case.source === 'party_application') {
    box.append(el('h3', {}, pick(S.agreementTitle)));
    const respondents = file.people.filter((p) => p.kind === 'respondent');
    const list = el('ul', { class: 'rows' });
    for (const r of respondents) {
      const answer = (file.mediationResponses ?? []).filter((x) => x.respondentId === r.id).at(-1);
      const text = answer
        ? `${pick(answer.decision === 'agree' ? S.agreed : S.refusedMediation)}${answer.channel === 'offline' ? pick(S.offline) : ''} · ${formatTime(answer.at)}`
        : pick(S.noAnswer);
      list.append(
        el(
          'li',
          { 'data-testid': 'mediation-response', 'data-decision': answer?.decision ?? 'none' },
          `${r.name}：${text}`,
        ),
      );
    }
    box.append(list);
    if (file.case.status === 'registered') box.append(offlineForm(api, caseId, respondents, act));
  }

  const requests = file.recusalRequests ?? [];
  if (requests.length > 0) {
    box.append(el('h3', {}, pick(S.recusalTitle)));
    for (const q of requests) {
      const item = el('div', {
        class: 'recusal',
        'data-testid': 'recusal-request',
        'data-status': q.status,
      });
      const status =
        q.status === 'pending' ? S.pending : q.status === 'granted' ? S.granted : S.refusedRecusal;
      item.append(
        el(
          'p',
          {},
          `${names.get(q.requestedBy) ?? q.requestedBy} · ${formatTime(q.requestedAt)} · ${pick(status)}`,
        ),
        el('p', {}, `${pick(S.reasons)}：${q.reasons}`),
      );
      if (q.decisionReasons)
        item.append(el('p', {}, `${pick(S.decisionReasons)}：${q.decisionReasons}`));
      if (q.status === 'pending') {
        const reasons = el('textarea', {
          rows: '3',
          maxlength: '4000',
          'data-testid': 'recusal-decision-reasons',
        });
        const decide = (decision: 'granted' | 'refused') => {
          if (!reasons.value.trim()) {
            error.textContent = pick(S.needReasons);
            return;
          }
          void act(() =>
            api.decideRecusal(caseId, q.id, { decision, reasons: reasons.value.trim() }),
          );
        };
        const grant = el(
          'button',
          { type: 'button', 'data-testid': 'recusal-grant' },
          pick(S.grant),
        );
        const refuse = el(
          'button',
          { type: 'button', class: 'secondary', 'data-testid': 'recusal-refuse' },
          pick(S.refuseRecusal),
        );
        grant.onclick = () => decide('granted');
        refuse.onclick = () => decide('refused');
        item.append(labelled(pick(S.decisionReasons), reasons), grant, refuse);
      }
      box.append(item);
    }
  }
  box.append(error);
  return box;
}

function offlineForm(
  api: StaffApi,
  caseId: string,
  respondents: CaseFileView['people'],
  act: (call: () => Promise<unknown>) => Promise<void>,
): HTMLElement {
  const form = el('details', { 'data-testid': 'mediation-response-offline' });
  form.append(el('summary', {}, pick(S.recordOffline)));
  const who = el('select');
  for (const r of respondents) who.append(el('option', { value: r.id }, r.name));
  const decision = el('select');
  decision.append(
    el('option', { value: 'agree' }, pick(S.agree)),
    el('option', { value: 'refuse' }, pick(S.refuse)),
  );
  const evidence = el('select');
  const note = el('input', { type: 'text', maxlength: '2000' });
  const save = el('button', { type: 'button' }, pick(S.save));
  void api
    .evidence(caseId)
    .then((items) => {
      for (const i of items) evidence.append(el('option', { value: i.id }, i.title));
      if (items.length === 0) evidence.append(el('option', { value: '' }, pick(S.noEvidence)));
    })
    .catch(() => undefined);
  save.onclick = () =>
    void act(() =>
      api.recordMediationResponse(caseId, {
        respondentId: who.value,
        decision: decision.value === 'refuse' ? 'refuse' : 'agree',
        evidenceId: evidence.value,
        note: note.value.trim(),
      }),
    );
  form.append(
    labelled(pick(S.respondent), who),
    labelled(pick(S.decision), decision),
    labelled(pick(S.evidence), evidence),
    labelled(pick(S.note), note),
    save,
  );
  return form;
}
