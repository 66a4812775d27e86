/**
 * 登记纸质签署 in the console: the case's mediator records that the agreement
 * was signed on paper. They file the scan of the signed agreement (or choose
 * one the organisation filed before), attest for every applicant and
 * respondent who signed (the party itself, or its agent with special
 * authority) and on which date, give the date of their own signature and an
 * attestation. The server checks every rule (every co-party covered, dates
 * between the issue and today, the scan's category); its message, with the
 * issues it names, is shown as it is.
 *
 * Built once per agreement and kept between the board's polls, so nothing
 * typed is lost.
 */
import { el, labelled } from '../dom.js';
import type { DocumentsApi } from '../documents/api.js';
import type { PaperSigningInput } from '../documents/model.js';
import type { CaseFileView, StaffApi } from './api.js';

const T = {
  title: ['登记纸质签署', 'Record a paper signing'],
  hint: [
    '各方当事人在纸质调解协议书上签名后，上传签署后的协议扫描件，逐一核对签署人和签署日期，并由调解员本人签名。登记后协议即时生效，不能再在线签署。',
    'After every party signed the paper agreement, file its scan, attest each signatory and date, and give your own signature. The agreement takes effect when this is recorded; online signing of it ends.',
  ],
  scan: ['已签署协议扫描件', 'Scan of the signed agreement'],
  upload: ['上传新的扫描件', 'File a new scan'],
  none: ['（尚无，请上传）', '(none yet: file one)'],
  party: ['当事人', 'Party'],
  signer: ['签署人', 'Signed by'],
  self: ['本人', 'the party itself'],
  signedOn: ['签署日期', 'Signed on'],
  mediatorOn: ['调解员签署日期', 'Your signature, on'],
  attestation: ['调解员核对说明', 'Your attestation'],
  attestationDefault: ['各方当事人当面签名，经调解员核对身份', ''],
  submit: ['登记纸质签署，协议生效', 'Record it: the agreement takes effect'],
  failed: ['登记失败：', 'Not recorded: '],
  needScan: [
    '请先选择或上传已签署协议的扫描件',
    'Choose or file the scan of the signed agreement first',
  ],
} as const;

function t(key: keyof typeof T): string {
  const [zh, en] = T[key];
  return document.documentElement.lang === 'en' && en ? en : zh;
}

const KIND: Record<string, [string, string]> = {
  applicant: ['申请人', 'applicant'],
  respondent: ['被申请人', 'respondent'],
};

function today(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

export class PaperSigningForm {
  readonly element: HTMLElement;
  readonly #scan = el('select', { name: 'scan', 'data-testid': 'paper-scan' });
  readonly #file = el('input', {
    type: 'file',
    name: 'file',
    accept: 'application/pdf,image/png,image/jpeg',
    'data-testid': 'paper-scan-file',
  });
  readonly #error = el('p', { class: 'error', role: 'alert', 'data-testid': 'paper-error' });
  readonly #rows: { partyId: string; signer: HTMLSelectElement; on: HTMLInputElement }[] = [];

  constructor(
    private readonly docs: DocumentsApi,
    private readonly staff: StaffApi,
    private readonly file: CaseFileView,
    private readonly documentId: string,
    private readonly done: () => void,
  ) {
    const form = el('form', { class: 'paper-signing', 'data-testid': 'paper-signing' });
    const parties = file.people.filter((p) => p.kind === 'applicant' || p.kind === 'respondent');
    const rows = el('div', { class: 'paper-signatories' });
    for (const p of parties) {
      const signer = el('select', { name: 'signer', 'data-testid': 'paper-signer' });
      signer.append(el('option', { value: p.id }, `${p.name}（${t('self')}）`));
      for (const a of file.people)
        if (a.kind === 'agent' && a.representsId === p.id && a.powerOfAttorney?.scope === 'special')
          signer.append(el('option', { value: a.id }, a.name));
      const on = el('input', {
        type: 'date',
        name: 'signedOn',
        required: '',
        'data-testid': 'paper-signed-on',
      });
      on.value = today();
      const kind = KIND[p.kind] ?? [p.kind, p.kind];
      const row = el('fieldset', { 'data-testid': 'paper-party', 'data-party': p.id });
      row.append(
        el(
          'legend',
          {},
          `${document.documentElement.lang === 'en' ? kind[1] : kind[0]}：${p.name}`,
        ),
        labelled(t('signer'), signer),
        labelled(t('signedOn'), on),
      );
      rows.append(row);
      this.#rows.push({ partyId: p.id, signer, on });
    }
    const mediatorOn = el('input', {
      type: 'date',
      name: 'mediatorSignedOn',
      required: '',
      'data-testid': 'paper-mediator-on',
    });
    mediatorOn.value = today();
    const attestation = el('textarea', {
      name: 'attestation',
      rows: '2',
      maxlength: '2000',
      required: '',
      'data-testid': 'paper-attestation',
    });
    attestation.value = T.attestationDefault[0];
    const submit = el(
      'button',
      { type: 'submit', class: 'primary', 'data-testid': 'paper-submit' },
      t('submit'),
    );
    form.append(
      el('h4', {}, t('title')),
      el('p', { class: 'muted small' }, t('hint')),
      labelled(t('scan'), this.#scan),
      labelled(t('upload'), this.#file),
      rows,
      labelled(t('mediatorOn'), mediatorOn),
      labelled(t('attestation'), attestation),
      submit,
      this.#error,
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      submit.disabled = true;
      this.#error.textContent = '';
      this.#record(mediatorOn.value, attestation.value.trim())
        .then(() => this.done())
        .catch((err: unknown) => {
          this.#error.textContent = `${t('failed')}${(err as Error).message}`;
        })
        .finally(() => {
          submit.disabled = false;
        });
    };
    this.element = form;
    void this.#loadScans();
  }

  /** The signed-agreement scans the organisation filed, newest first. */
  async #loadScans(selected?: string): Promise<void> {
    try {
      const items = (await this.staff.evidence(this.file.case.id)).filter(
        (i) => i.category === 'signed_agreement' && i.uploaderSide === 'organisation',
      );
      const options = items
        .reverse()
        .map((i) => el('option', { value: i.id }, `${i.title} · ${i.sha256.slice(0, 12)}…`));
      this.#scan.replaceChildren(
        ...(options.length > 0 ? options : [el('option', { value: '' }, t('none'))]),
      );
      if (selected) this.#scan.value = selected;
    } catch (err) {
      this.#error.textContent = `${t('failed')}${(err as Error).message}`;
    }
  }

  async #record(mediatorSignedOn: string, attestation: string): Promise<void> {
    let evidenceId = this.#scan.value;
    const chosen = this.#file.files?.[0];
    if (chosen) {
      evidenceId = (await this.docs.uploadSignedAgreement(chosen, '已签署调解协议书')).id;
      this.#file.value = '';
      await this.#loadScans(evidenceId);
    }
    if (!evidenceId) throw new Error(t('needScan'));
    const input: PaperSigningInput = {
      evidenceId,
      signatories: this.#rows.map((r) => ({
        partyId: r.partyId,
        ...(r.signer.value !== r.partyId ? { signerId: r.signer.value } : {}),
        signedOn: r.on.value,
      })),
      mediatorSignedOn,
      attestation,
    };
    await this.docs.paperSigning(this.documentId, input);
  }
}
