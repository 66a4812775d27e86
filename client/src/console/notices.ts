/**
 * The case view's notices (告知) and mediation-period extension sections.
 *
 * Notices: every notice the case engine produced (right to arbitration,
 * reminders before the confirmation windows close…), the document it was
 * served as, and each recipient's service state — refreshed every few
 * seconds, as the documents board is.
 *
 * Extension: staff propose a new end date with a reason; each party answers
 * on its own page; staff may record a party's offline answer only with proof
 * (an evidence item of the case) and an attestation.
 *
 * Both sections stop polling by themselves once they leave the page.
 */
import { el, labelled } from '../dom.js';
import { DocumentsApi } from '../documents/api.js';
import type { Inbox } from '../documents/model.js';
import { statusLabel, when } from '../documents/strings.js';
import { lang } from '../i18n.js';
import type { CaseFileView, CaseNoticeView, ExtensionProposalView, StaffApi } from './api.js';

type Pair = readonly [zh: string, en: string];
const pick = (pair: Pair): string => pair[lang() === 'en' ? 1 : 0];

const POLL_MS = 3_000;

const NOTICE_KINDS: Record<string, Pair> = {
  right_to_arbitration: ['申请仲裁权利告知', 'right to arbitration'],
  acceptance_overdue: ['受理审查期限届满', 'acceptance decision overdue'],
  confirmation_window_closing: ['申请期限届满', 'application window closed'],
  confirmation_window_reminder: ['申请期限届满提醒', 'application window closing soon'],
  payment_order_eligible: ['可申请支付令', 'payment order available'],
};

const S = {
  notices: ['告知', 'Notices'],
  none: ['暂无告知', 'No notices yet'],
  pending: ['待生成并送达', 'to be rendered and served'],
  document: ['文书：', 'Document: '],
  extension: ['延长调解期限', 'Extension of the mediation period'],
  propose: ['提出延期方案', 'Propose an extension'],
  newDueOn: ['延长至', 'New end date'],
  reason: ['理由', 'Reason'],
  rule: [
    '须每一方当事人在其页面同意（或由工作人员凭证据登记线下同意）方可延长；任何一方不同意即结束。',
    'Each party consents on its own page (or staff record an offline answer with proof); one refusal ends the proposal.',
  ],
  waiting: ['待答复', 'awaiting'],
  consented: ['已同意', 'consented'],
  refused: ['不同意', 'refused'],
  offline: ['线下', 'offline'],
  recordOffline: ['登记线下答复', 'Record an offline answer'],
  evidenceId: ['证据编号（书面同意的扫描件等）', 'Evidence item id (the signed consent…)'],
  attestation: ['登记说明', 'Attestation'],
  consent: ['同意', 'consent'],
  refuse: ['不同意', 'refuse'],
  party: ['当事人', 'Party'],
  status: {
    pending: ['待当事人答复', 'awaiting the parties'],
    agreed: ['已生效', 'in effect'],
    refused: ['已结束（有当事人不同意）', 'ended (refused)'],
    withdrawn: ['已撤回', 'withdrawn'],
  },
  failed: ['操作失败：', 'Failed: '],
} as const;

function noticeKind(kind: string, data: Record<string, unknown>): string {
  const base = pick(NOTICE_KINDS[kind] ?? [kind, kind]);
  return typeof data['daysBefore'] === 'number' ? `${base}（${data['daysBefore']}日）` : base;
}

function noticeRow(n: CaseNoticeView, inbox: Inbox | undefined): HTMLElement {
  const li = el('li', {
    'data-testid': 'notice',
    'data-kind': n.kind,
    'data-document': n.documentId ?? '',
  });
  li.append(el('strong', {}, noticeKind(n.kind, n.data)), ` · ${when(n.createdAt)}`);
  const doc = inbox?.documents.find((d) => d.id === n.documentId);
  if (!n.documentId || !doc) {
    li.append(el('p', { class: 'muted small' }, pick(S.pending)));
    return li;
  }
  li.append(el('p', { class: 'small' }, `${pick(S.document)}${doc.title} · SHA-256 ${doc.sha256}`));
  const recipients = el('ul', { class: 'rows small' });
  for (const d of inbox!.deliveries.filter((x) => x.documentId === doc.id))
    recipients.append(
      el(
        'li',
        {
          'data-testid': 'notice-delivery',
          'data-recipient': d.recipientId,
          'data-status': d.status,
        },
        `${d.recipientName}：${statusLabel(d.status)}`,
      ),
    );
  li.append(recipients);
  return li;
}

export function noticesSection(staff: StaffApi, caseId: string): HTMLElement {
  const section = el('section', { class: 'file-section', 'data-testid': 'notices' });
  const list = el('ul', { class: 'rows' });
  const problem = el('p', { class: 'error', role: 'alert' });
  section.append(el('h3', {}, pick(S.notices)), problem, list);
  const docs = new DocumentsApi(caseId, () => staff.session.token);
  let started = false;
  const tick = async (): Promise<void> => {
    if (started && !section.isConnected) return;
    started = true;
    try {
      const [file, inbox] = await Promise.all([staff.caseFile(caseId), docs.list()]);
      const notices = file.notices ?? [];
      list.replaceChildren(
        ...(notices.length === 0
          ? [el('li', { class: 'muted' }, pick(S.none))]
          : notices.map((n) => noticeRow(n, inbox))),
      );
      problem.textContent = '';
    } catch (error) {
      problem.textContent = `${pick(S.failed)}${(error as Error).message}`;
    }
    setTimeout(() => void tick(), POLL_MS);
  };
  void tick();
  return section;
}

function proposalCard(
  staff: StaffApi,
  caseId: string,
  p: ExtensionProposalView,
  refresh: () => void,
  report: (message: string) => void,
): HTMLElement {
  const card = el('div', {
    class: 'extension-proposal',
    'data-testid': 'extension-proposal',
    'data-status': p.status,
  });
  card.append(
    el('p', {}, `${p.previousDueOn} → ${p.newDueOn} · ${pick(S.status[p.status])}`),
    el('p', { class: 'muted small' }, `${pick(S.reason)}：${p.reason}`),
  );
  const list = el('ul', { class: 'rows small' });
  for (const party of p.parties) {
    const r = party.response;
    const state = r
      ? `${pick(r.decision === 'consent' ? S.consented : S.refused)} ${when(r.at)}${r.offline ? ` · ${pick(S.offline)}：${r.offline.attestation}` : ''}`
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
  if (p.status !== 'pending') return card;
  // Offline answers: only with proof.
  const form = el('form', { class: 'offline-answer', 'data-testid': 'extension-offline' });
  const party = el('select', { name: 'partyId' });
  for (const x of p.parties.filter((x) => !x.response))
    party.append(el('option', { value: x.partyId }, x.name));
  const decision = el('select', { name: 'decision' });
  decision.append(
    el('option', { value: 'consent' }, pick(S.consent)),
    el('option', { value: 'refuse' }, pick(S.refuse)),
  );
  const evidenceId = el('input', { name: 'evidenceId', required: '', maxlength: '100' });
  const attestation = el('input', { name: 'attestation', required: '', maxlength: '2000' });
  form.append(
    el('h4', {}, pick(S.recordOffline)),
    labelled(pick(S.party), party),
    labelled(pick(S.consent), decision),
    labelled(pick(S.evidenceId), evidenceId),
    labelled(pick(S.attestation), attestation),
    el('button', { type: 'submit' }, pick(S.recordOffline)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void staff
      .recordOfflineExtensionAnswer(caseId, p.id, {
        partyId: party.value,
        decision: decision.value === 'refuse' ? 'refuse' : 'consent',
        evidenceId: evidenceId.value.trim(),
        attestation: attestation.value.trim(),
      })
      .then(refresh, (error: unknown) => report((error as Error).message));
  });
  card.append(form);
  return card;
}

export function extensionSection(staff: StaffApi, caseId: string, file: CaseFileView): HTMLElement {
  const section = el('section', { class: 'file-section', 'data-testid': 'extension' });
  const problem = el('p', { class: 'error', role: 'alert' });
  const proposals = el('div', {});
  const form = el('form', { class: 'extension-form', 'data-testid': 'extension-propose' });
  const newDueOn = el('input', { type: 'date', name: 'newDueOn', required: '' });
  newDueOn.min = file.case.mediationDueOn;
  const reason = el('input', { name: 'reason', required: '', maxlength: '2000' });
  form.append(
    labelled(pick(S.newDueOn), newDueOn),
    labelled(pick(S.reason), reason),
    el('button', { type: 'submit' }, pick(S.propose)),
  );
  section.append(
    el('h3', {}, pick(S.extension)),
    el('p', { class: 'muted small' }, pick(S.rule)),
    problem,
    proposals,
    form,
  );
  const report = (message: string) => {
    problem.textContent = `${pick(S.failed)}${message}`;
  };
  let started = false;
  const refresh = async (): Promise<void> => {
    try {
      const all = await staff.extensionProposals(caseId);
      proposals.replaceChildren(
        ...all.map((p) => proposalCard(staff, caseId, p, () => void refresh(), report)),
      );
      form.hidden = all.some((p) => p.status === 'pending');
    } catch (error) {
      report((error as Error).message);
    }
  };
  const tick = async (): Promise<void> => {
    if (started && !section.isConnected) return;
    started = true;
    await refresh();
    setTimeout(() => void tick(), POLL_MS);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void staff
      .proposeExtension(caseId, { newDueOn: newDueOn.value, reason: reason.value.trim() })
      .then(
        () => {
          problem.textContent = '';
          reason.value = '';
          return refresh();
        },
        (error: unknown) => report((error as Error).message),
      );
  });
  void tick();
  return section;
}
