/**
 * The case view's 文书 section in the staff console: issue a document from
 * a template and serve it, then follow each recipient's delivery (refreshed
 * every 2 s), download the PDF and each 电子送达凭证, record an offline
 * service proof, and for the mediation agreement the mediator's own
 * signature and the seal that makes it effective.
 *
 * The section stops polling by itself once its element leaves the page.
 *
 * Size: pending — the console's documents page moves to Vue single-file components (issue 17, must-have 1).
 */
import { el, labelled, saveDownload } from '../dom.js';
import { DocumentsApi, type FetchedPdf } from '../documents/api.js';
import type { DeliveryView, DocumentView, Inbox, IssuableKind } from '../documents/model.js';
import { SigningPanel, signersList } from '../documents/SigningPanel.js';
import {
  KIND_LABELS,
  channelLabel,
  dt,
  kindLabel,
  statusLabel,
  when,
} from '../documents/strings.js';
import '../documents/documents.css';
import type { CaseFileView, StaffApi } from './api.js';
import { PaperSigningForm } from './PaperSigningForm.js';
import './documents.css';

const POLL_MS = 2_000;

const ISSUABLE: IssuableKind[] = [
  'acceptance_notice',
  'refusal_notice',
  'session_notice',
  'mediation_agreement',
  'performance_notice',
  'termination_record',
  'evidence_receipt',
  'right_to_arbitration_notice',
  'judicial_confirmation_application',
  'arbitration_review_application',
  'application_form',
  'oral_application_record',
];

const TERMINATION_GROUNDS: [string, string, string][] = [
  ['party_refuses', '一方当事人拒绝继续调解', 'a party refuses to continue'],
  ['no_agreement_in_time', '调解期限届满未达成调解协议', 'no agreement within the period'],
  ['party_absent', '当事人无正当理由未参加调解', 'a party absent without good reason'],
  ['other', '其他原因', 'other'],
];

const PERSON_KIND: Record<string, [string, string]> = {
  applicant: ['申请人', 'applicant'],
  respondent: ['被申请人', 'respondent'],
  agent: ['委托代理人', 'agent'],
};

function en(): boolean {
  return document.documentElement.lang === 'en';
}

interface FieldReader {
  element: HTMLElement;
  /** The template's fields, or a message saying what is missing. */
  read(): Record<string, unknown> | string;
}

/** The inputs a template needs (server/documents/schemas.ts ISSUE_FIELD_SCHEMAS). */
function templateFields(kind: IssuableKind, file: CaseFileView): FieldReader {
  const box = el('div', { class: 'issue-fields', 'data-testid': 'issue-fields' });
  const text = (name: string, label: string, attrs: Record<string, string> = {}) => {
    const input = el('input', { name, maxlength: '2000', ...attrs });
    box.append(labelled(label, input));
    return input;
  };
  const area = (name: string, label: string) => {
    const input = el('textarea', { name, rows: '3', maxlength: '4000' });
    box.append(labelled(label, input));
    return input;
  };
  const optional = (fields: Record<string, unknown>, key: string, value: string) => {
    if (value.trim()) fields[key] = value.trim();
  };
  switch (kind) {
    case 'acceptance_notice': {
      const note = area('note', dt('fieldNote'));
      return {
        element: box,
        read: () => {
          const f: Record<string, unknown> = {};
          optional(f, 'note', note.value);
          return f;
        },
      };
    }
    case 'refusal_notice': {
      const reason = area('reason', dt('fieldReason'));
      return {
        element: box,
        read: () => {
          const f: Record<string, unknown> = {};
          optional(f, 'reason', reason.value);
          return f;
        },
      };
    }
    case 'session_notice': {
      const session = el('select', { name: 'sessionId' });
      for (const s of file.sessions ?? []) {
        const option = el('option', { value: s.id }, when(s.scheduledStart));
        session.append(option);
      }
      box.append(labelled(dt('fieldSession'), session));
      const joinUrl = text('joinUrl', dt('fieldJoinUrl'), { type: 'url' });
      const prepare = area('prepare', dt('fieldPrepare'));
      return {
        element: box,
        read: () => {
          if (!session.value) return dt('fieldSession');
          const f: Record<string, unknown> = { sessionId: session.value };
          optional(f, 'joinUrl', joinUrl.value);
          optional(f, 'prepare', prepare.value);
          return f;
        },
      };
    }
    case 'mediation_agreement': {
      const items = el('textarea', { name: 'items', rows: '4', 'data-testid': 'field-items' });
      box.append(labelled(dt('fieldItems'), items));
      const amount = text('amount', dt('fieldAmount'), { type: 'number', min: '0', step: '0.01' });
      const deadline = text('performanceDeadline', dt('fieldDeadline'), { type: 'date' });
      const method = text('performanceMethod', dt('fieldMethod'), { maxlength: '500' });
      return {
        element: box,
        read: () => {
          const lines = items.value
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean);
          if (lines.length === 0) return dt('fieldItems');
          const f: Record<string, unknown> = { items: lines };
          if (amount.value.trim()) f['amount'] = Number(amount.value);
          optional(f, 'performanceDeadline', deadline.value);
          optional(f, 'performanceMethod', method.value);
          return f;
        },
      };
    }
    case 'performance_notice': {
      const obligations = area('obligations', dt('fieldObligations'));
      const deadline = text('deadline', dt('fieldDeadlineRequired'), { type: 'date' });
      const consequences = area('consequences', dt('fieldConsequences'));
      return {
        element: box,
        read: () => {
          if (!obligations.value.trim()) return dt('fieldObligations');
          if (!deadline.value) return dt('fieldDeadlineRequired');
          const f: Record<string, unknown> = {
            obligations: obligations.value.trim(),
            deadline: deadline.value,
          };
          optional(f, 'consequences', consequences.value);
          return f;
        },
      };
    }
    case 'termination_record': {
      const ground = el('select', { name: 'ground' });
      for (const [value, zh, english] of TERMINATION_GROUNDS)
        ground.append(el('option', { value }, en() ? english : zh));
      box.append(labelled(dt('fieldGround'), ground));
      const facts = area('facts', dt('fieldFacts'));
      return {
        element: box,
        read: () => {
          const f: Record<string, unknown> = { ground: ground.value };
          optional(f, 'facts', facts.value);
          return f;
        },
      };
    }
    case 'evidence_receipt': {
      const evidence = text('evidenceId', dt('fieldEvidence'), { maxlength: '100' });
      return {
        element: box,
        read: () =>
          evidence.value.trim() ? { evidenceId: evidence.value.trim() } : dt('fieldEvidence'),
      };
    }
    case 'right_to_arbitration_notice':
    case 'application_form':
    case 'oral_application_record':
    case 'judicial_confirmation_application':
    case 'arbitration_review_application':
      return { element: box, read: () => ({}) };
  }
}

function issueForm(docs: DocumentsApi, file: CaseFileView, issued: () => void): HTMLElement {
  const form = el('form', { class: 'card issue-form', 'data-testid': 'issue-form' });
  const kind = el('select', { name: 'kind', 'data-testid': 'issue-kind' });
  for (const k of ISSUABLE) kind.append(el('option', { value: k }, KIND_LABELS[k][en() ? 1 : 0]));
  const recipients = el('fieldset', { class: 'recipients', 'data-testid': 'issue-recipients' });
  recipients.append(el('legend', {}, dt('issueRecipients')));
  const servable = file.people.filter((p) => p.kind in PERSON_KIND);
  if (servable.length === 0)
    recipients.append(el('p', { class: 'muted' }, dt('issueNoRecipients')));
  const boxes = servable.map((p) => {
    const input = el('input', {
      type: 'checkbox',
      name: 'recipient',
      value: p.id,
      'data-person': p.id,
    });
    const label = el('label', { class: 'check' });
    const kindText = PERSON_KIND[p.kind]?.[en() ? 1 : 0] ?? p.kind;
    label.append(input, el('span', {}, `${p.name}（${kindText}）`));
    recipients.append(label);
    return input;
  });
  let fields = templateFields(kind.value as IssuableKind, file);
  const fieldSlot = el('div');
  fieldSlot.append(fields.element);
  kind.onchange = () => {
    fields = templateFields(kind.value as IssuableKind, file);
    fieldSlot.replaceChildren(fields.element);
  };
  const result = el('p', { class: 'small', role: 'status', 'data-testid': 'issue-result' });
  const submit = el(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'issue-submit' },
    dt('issueSubmit'),
  );
  form.append(
    el('h4', {}, dt('issueTitle')),
    labelled(dt('issueKind'), kind),
    recipients,
    fieldSlot,
    submit,
    result,
  );
  form.onsubmit = (e) => {
    e.preventDefault();
    result.className = 'small';
    const read = fields.read();
    if (typeof read === 'string') {
      result.className = 'error';
      result.textContent = `${dt('failed')}${read}`;
      return;
    }
    submit.disabled = true;
    docs
      .issue({
        kind: kind.value,
        fields: read,
        recipients: boxes.filter((b) => b.checked).map((b) => b.value),
      })
      .then((r) => {
        result.textContent = `${dt('issued')}${r.document.title} · SHA-256 ${r.document.sha256}`;
        issued();
      })
      .catch((err: unknown) => {
        result.className = 'error';
        result.textContent = `${dt('failed')}${(err as Error).message}`;
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
  return form;
}

/** Holds the list's state between polls; parts being typed into are kept, not rebuilt. */
class DocumentsBoard {
  readonly element = el('div', { class: 'doc-board', 'data-testid': 'documents-list' });
  readonly #cards = new Map<string, { key: string; node: HTMLElement }>();
  readonly #proofForms = new Map<string, HTMLElement>();
  readonly #openProof = new Set<string>();
  readonly #signing = new Map<string, SigningPanel>();
  readonly #errors = new Map<string, string>();
  readonly #paper = new Map<string, PaperSigningForm>();

  constructor(
    private readonly docs: DocumentsApi,
    private readonly staff: StaffApi,
    private readonly refresh: () => void,
    private readonly file: CaseFileView,
  ) {}

  show(inbox: Inbox): void {
    const documents = [...inbox.documents]
      .filter((d) => d.kind !== 'service_consent')
      .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
    if (documents.length === 0) {
      this.element.replaceChildren(el('p', { class: 'muted' }, dt('noDocuments')));
      return;
    }
    const nodes = documents.map((d) =>
      this.#card(
        d,
        inbox.deliveries.filter((x) => x.documentId === d.id),
      ),
    );
    if (
      nodes.length !== this.element.children.length ||
      nodes.some((n, i) => this.element.children[i] !== n)
    )
      this.element.replaceChildren(...nodes);
  }

  #card(doc: DocumentView, deliveries: DeliveryView[]): HTMLElement {
    const key = JSON.stringify([
      doc.superseded,
      doc.signing,
      deliveries.map((d) => [d.id, d.status, d.paperCopyRequested, d.served, d.events.length]),
      [...this.#openProof],
      this.#errors.get(doc.id) ?? null,
      document.documentElement.lang,
    ]);
    const cached = this.#cards.get(doc.id);
    if (cached?.key === key) return cached.node;
    const card = el('article', {
      class: 'card doc-card',
      'data-testid': 'document-card',
      'data-document': doc.id,
      'data-kind': doc.kind,
    });
    const head = el('div', { class: 'doc-title' });
    head.append(
      el('strong', {}, doc.title),
      el('span', { class: 'muted' }, ` ${dt('version', { n: doc.version })}`),
      el(
        'span',
        { class: 'muted small' },
        ` · ${kindLabel(doc.kind)} · ${dt('issuedAt')}${when(doc.issuedAt)}`,
      ),
    );
    if (doc.superseded) head.append(el('span', { class: 'chip' }, dt('superseded')));
    card.append(
      head,
      el('p', { class: 'hash', 'data-testid': 'document-sha256' }, `SHA-256 ${doc.sha256}`),
    );
    const actions = el('div', { class: 'doc-actions' });
    const download = el(
      'button',
      { type: 'button', class: 'small', 'data-testid': 'download-document' },
      dt('downloadDocument'),
    );
    download.onclick = () => this.#download(doc.id, download, () => this.docs.documentPdf(doc));
    actions.append(download);
    card.append(actions);
    const error = this.#errors.get(doc.id);
    if (error) card.append(el('p', { class: 'error', role: 'alert' }, error));
    if (deliveries.length > 0) card.append(this.#deliveryTable(doc, deliveries));
    if (doc.kind === 'mediation_agreement' && doc.signing) card.append(this.#agreement(doc));
    this.#cards.set(doc.id, { key, node: card });
    return card;
  }

  #deliveryTable(doc: DocumentView, deliveries: DeliveryView[]): HTMLElement {
    const wrap = el('div', { class: 'table-wrap' });
    const table = el('table', { class: 'deliveries' });
    const head = el('tr');
    for (const h of [dt('recipient'), dt('state'), dt('servedColumn'), ''])
      head.append(el('th', {}, h));
    table.append(el('thead'), el('tbody'));
    table.tHead!.append(head);
    for (const d of deliveries) {
      const row = el('tr', {
        'data-testid': 'delivery-row',
        'data-recipient': d.recipientId,
        'data-delivery': d.id,
        'data-status': d.status,
      });
      const who = el('td');
      who.append(
        el('strong', {}, d.recipientName),
        el(
          'div',
          { class: 'muted small' },
          `${channelLabel(d.channel)}${d.address && d.channel !== 'in_app' ? ` · ${d.address}` : ''}`,
        ),
      );
      const state = el('td');
      state.append(
        el(
          'span',
          { class: `chip ${d.status}`, 'data-testid': 'delivery-status' },
          statusLabel(d.status),
        ),
      );
      if (d.paperCopyRequested)
        state.append(el('span', { class: 'chip' }, dt('paperCopyRequested')));
      const steps = el('ol', { class: 'steps small' });
      for (const e of d.events) {
        const reason = typeof e.detail?.['reason'] === 'string' ? `：${e.detail['reason']}` : '';
        steps.append(
          el('li', {}, `${when(e.at)} ${stepLabel(e.kind)}${e.implied ? '*' : ''}${reason}`),
        );
      }
      state.append(steps);
      const served = el('td', {}, d.served ? when(d.served.at) : dt('none'));
      const tools = el('td', { class: 'doc-actions' });
      const cert = el(
        'button',
        { type: 'button', class: 'small', 'data-testid': 'download-certificate' },
        dt('certificate'),
      );
      cert.onclick = () => this.#download(doc.id, cert, () => this.docs.certificate(d.id));
      tools.append(cert);
      if (d.state === 'offline_pending' || d.state === 'failed') {
        const proof = el(
          'button',
          { type: 'button', class: 'small', 'data-testid': 'offline-proof' },
          dt('offlineProof'),
        );
        proof.onclick = () => {
          if (this.#openProof.has(d.id)) this.#openProof.delete(d.id);
          else this.#openProof.add(d.id);
          this.refresh();
        };
        tools.append(proof);
      }
      row.append(who, state, served, tools);
      table.tBodies[0]!.append(row);
      if (this.#openProof.has(d.id) && (d.state === 'offline_pending' || d.state === 'failed')) {
        const formRow = el('tr');
        const cell = el('td', { colspan: '4' });
        cell.append(this.#proofForm(d.id));
        formRow.append(cell);
        table.tBodies[0]!.append(formRow);
      }
    }
    wrap.append(table);
    return wrap;
  }

  #proofForm(deliveryId: string): HTMLElement {
    const cached = this.#proofForms.get(deliveryId);
    if (cached) return cached;
    const form = el('form', { class: 'proof-form', 'data-testid': 'offline-proof-form' });
    const method = el('select', { name: 'method' });
    for (const m of ['直接送达', '邮寄送达', '留置送达', '委托送达'])
      method.append(el('option', { value: m }, m));
    const description = el('textarea', {
      name: 'description',
      rows: '2',
      maxlength: '2000',
      required: '',
    });
    const servedOn = el('input', { name: 'servedOn', type: 'date', required: '' });
    servedOn.value = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const error = el('p', { class: 'error', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'primary small' }, dt('proofSubmit'));
    form.append(
      labelled(dt('proofMethod'), method),
      labelled(dt('proofDescription'), description),
      labelled(dt('proofDate'), servedOn),
      submit,
      error,
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      submit.disabled = true;
      this.docs
        .staffStep(deliveryId, 'offline-proof', {
          method: method.value,
          description: description.value.trim(),
          servedOn: servedOn.value,
        })
        .then(() => {
          this.#openProof.delete(deliveryId);
          this.#proofForms.delete(deliveryId);
          this.refresh();
        })
        .catch((err: unknown) => {
          error.textContent = `${dt('failed')}${(err as Error).message}`;
        })
        .finally(() => {
          submit.disabled = false;
        });
    };
    this.#proofForms.set(deliveryId, form);
    return form;
  }

  #agreement(doc: DocumentView): HTMLElement {
    const status = doc.signing!;
    const box = el('section', { class: 'agreement', 'data-testid': 'agreement' });
    box.append(el('h4', {}, dt('signers')), signersList(status));
    if (
      this.staff.session.staff.role === 'mediator' &&
      !status.sealed &&
      !status.effective &&
      !doc.superseded
    ) {
      let panel = this.#signing.get(doc.id);
      if (!panel) {
        panel = new SigningPanel(doc, {
          api: this.docs,
          selfId: this.staff.session.staff.id,
          drawing: true,
          onSigned: () => this.refresh(),
        });
        this.#signing.set(doc.id, panel);
      } else panel.update(doc);
      box.append(panel.element);
    }
    if (
      this.staff.session.staff.role === 'mediator' &&
      !status.sealed &&
      !status.effective &&
      !doc.superseded
    ) {
      let paper = this.#paper.get(doc.id);
      if (!paper) {
        paper = new PaperSigningForm(this.docs, this.staff, this.file, doc.id, () =>
          this.refresh(),
        );
        this.#paper.set(doc.id, paper);
      }
      box.append(paper.element);
    }
    const actions = el('div', { class: 'doc-actions' });
    if (!status.sealed && status.effective) {
      box.append(
        el(
          'p',
          { class: 'notice', 'data-testid': 'effective-paper' },
          `${
            en()
              ? 'Signed on paper: the agreement is effective (the scan of the signed paper is in the case file) · '
              : '已登记纸质签署，协议已生效（签署后的协议扫描件已归入案卷）· '
          }${when(status.paperSigned?.recordedAt ?? null)}`,
        ),
      );
    } else if (status.sealed) {
      box.append(
        el(
          'p',
          { class: 'notice', 'data-testid': 'effective-at' },
          `${dt('effectiveAt')}${when(status.sealed.sealedAt)}`,
        ),
      );
      const sealedPdf = el(
        'button',
        { type: 'button', class: 'small', 'data-testid': 'download-sealed' },
        dt('sealedPdf'),
      );
      const sha = status.sealed.sha256;
      sealedPdf.onclick = () =>
        this.#download(doc.id, sealedPdf, () => this.docs.sealedPdf(doc.id, sha));
      actions.append(sealedPdf);
    } else {
      const allSigned = status.required.every((r) => r.signed);
      const seal = el(
        'button',
        { type: 'button', class: 'primary', 'data-testid': 'seal' },
        dt('seal'),
      );
      seal.disabled = !allSigned || doc.superseded;
      seal.title = dt('sealHint');
      seal.onclick = () => {
        seal.disabled = true;
        this.docs.seal(doc.id).then(
          () => this.refresh(),
          (err: unknown) => {
            this.#errors.set(doc.id, `${dt('failed')}${(err as Error).message}`);
            this.refresh();
          },
        );
      };
      actions.append(seal);
      if (!allSigned) actions.append(el('span', { class: 'muted small' }, dt('sealHint')));
    }
    box.append(actions);
    return box;
  }

  #download(
    documentId: string,
    button: HTMLButtonElement,
    fetchPdf: () => Promise<FetchedPdf>,
  ): void {
    button.disabled = true;
    fetchPdf()
      .then((pdf) => {
        if (pdf.verified === false) this.#errors.set(documentId, dt('hashBad'));
        saveDownload(pdf.url, pdf.filename);
      })
      .catch((err: unknown) => {
        this.#errors.set(documentId, `${dt('failed')}${(err as Error).message}`);
        this.refresh();
      })
      .finally(() => {
        button.disabled = false;
      });
  }
}

const STEP_LABELS: Record<string, [string, string]> = {
  dispatched: ['发送', 'sent'],
  offline_required: ['转线下送达', 'marked for offline service'],
  delivered: ['送达', 'delivered'],
  read: ['阅读', 'read'],
  acknowledged: ['签收', 'acknowledged'],
  failed: ['送达失败', 'failed'],
  offline_served: ['线下送达', 'served offline'],
  challenged: ['提出异议', 'challenged'],
  paper_copy_requested: ['申请纸质文书', 'paper copy requested'],
};

function stepLabel(kind: string): string {
  return STEP_LABELS[kind]?.[en() ? 1 : 0] ?? kind;
}

/** The section, polling its list every 2 s while it is on the page. */
export function documentsSection(staff: StaffApi, caseId: string, file: CaseFileView): HTMLElement {
  const section = el('section', { class: 'documents-section', 'data-testid': 'documents-section' });
  const docs = new DocumentsApi(caseId, () => staff.session.token);
  const problem = el('p', { class: 'error', role: 'alert' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  const tick = async (): Promise<void> => {
    clearTimeout(timer);
    // Gone from the page (another view): stop.
    if (started && !section.isConnected) return;
    started = true;
    try {
      board.show(await docs.list());
      problem.textContent = '';
    } catch (error) {
      problem.textContent = `${dt('loadFailed')}${(error as Error).message}`;
    }
    timer = setTimeout(() => void tick(), POLL_MS);
  };
  const board: DocumentsBoard = new DocumentsBoard(docs, staff, () => void tick(), file);
  section.append(
    el('h3', {}, dt('docsTitle')),
    issueForm(docs, file, () => void tick()),
    el('p', { class: 'muted small' }, dt('refreshedEvery')),
    problem,
    board.element,
  );
  void tick();
  return section;
}
