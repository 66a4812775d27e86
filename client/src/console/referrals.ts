/**
 * The case view's 移送 section: refer the case to a court or arbitration
 * commission (the report on a delegated mediation, or the parties' joint
 * application for judicial confirmation or arbitration review), and follow
 * each bundle the server built for an application: its SHA-256, its files,
 * its delivery to the institution's webhook, and a download whose bytes are
 * checked against the recorded hash.
 *
 * While a delivery is pending the section polls; it stops once its element
 * leaves the page.
 */
import { el, fact, labelled, saveDownload } from '../dom.js';
import { sha256Hex } from '../documents/api.js';
import { formatSize } from '../format.js';
import {
  ApiError,
  type BundleView,
  type InstitutionView,
  type ReferralKind,
  type ReferralView,
  type ReferralsView,
  type StaffApi,
} from './api.js';
import {
  INSTITUTION_KINDS,
  REFERRAL_KINDS,
  WEBHOOK_STATUS,
  formatTime,
  label,
  receiptText,
} from './labels.js';
import { ct, ct as t } from './i18n.js';

const POLL_MS = 3_000;

const KINDS: ReferralKind[] = ['delegated_report', 'judicial_confirmation', 'arbitration_review'];

function referralForm(
  api: StaffApi,
  caseId: string,
  institutions: readonly InstitutionView[],
  referred: () => void,
): HTMLElement {
  const form = el('form', { class: 'card referral-form', 'data-testid': 'referral-form' });
  const institution = el('select', {
    name: 'institutionId',
    id: 'referral-institution',
    required: '',
    'data-testid': 'referral-institution',
  });
  const usable = institutions.filter((i) => i.revokedAt === null);
  for (const i of usable)
    institution.append(
      el('option', { value: i.id }, `${i.name}（${label(INSTITUTION_KINDS, i.kind)}）`),
    );
  const kind = el('select', { name: 'kind', id: 'referral-kind', 'data-testid': 'referral-kind' });
  for (const k of KINDS) kind.append(el('option', { value: k }, label(REFERRAL_KINDS, k)));
  const submit = el(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'referral-submit' },
    ct('referSubmit'),
  );
  const result = el('p', { class: 'small', role: 'status', 'data-testid': 'referral-result' });
  // Shown once the server refuses a late joint application: the reason goes with the next submit.
  const lateReason = el('textarea', {
    name: 'lateReason',
    id: 'referral-late-reason',
    minlength: '10',
    maxlength: '1000',
    rows: '3',
    'data-testid': 'referral-late-reason',
  });
  const late = el('div', { class: 'late-reason', hidden: '', 'data-testid': 'referral-late' });
  late.append(
    el('p', { class: 'small' }, ct('lateReasonHint')),
    labelled(ct('lateReasonLabel'), lateReason),
  );
  const hideLate = () => {
    late.hidden = true;
    lateReason.required = false;
    lateReason.value = '';
  };
  institution.onchange = hideLate;
  kind.onchange = hideLate;
  form.append(
    el('h4', {}, ct('referTitle')),
    labelled(ct('referInstitution'), institution),
    labelled(ct('referKind'), kind),
    late,
    submit,
    result,
  );
  if (usable.length === 0) {
    submit.disabled = true;
    result.textContent = ct('referNoInstitutions');
  }
  form.onsubmit = (e) => {
    e.preventDefault();
    if (!institution.value) return;
    const chosen = usable.find((i) => i.id === institution.value);
    submit.disabled = true;
    result.className = 'small';
    result.textContent = '';
    api
      .refer(
        caseId,
        institution.value,
        kind.value as ReferralKind,
        late.hidden ? undefined : lateReason.value.trim(),
      )
      .then((r) => {
        hideLate();
        result.textContent = `${ct('referred')}${chosen?.name ?? r.referral.institutionId} · ${label(REFERRAL_KINDS, r.referral.kind)}`;
        referred();
      })
      .catch((err: unknown) => {
        // The server says why in both languages (agreement not effective, application not issued…).
        result.className = 'error';
        result.textContent = `${t('error')}${(err as Error).message}`;
        // Refused as late, with the legal reason: staff may record why it still goes.
        if (err instanceof ApiError && err.code === 'REFERRAL_LATE') {
          late.hidden = false;
          lateReason.required = true;
          lateReason.focus();
        }
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
  return form;
}

/** The referrals whose application goes with a bundle, which can be exported again. */
function hasBundle(kind: ReferralKind): boolean {
  return kind === 'judicial_confirmation' || kind === 'arbitration_review';
}

/**
 * The referrals, each joint application with a button to export its bundle
 * again; exports under way and their errors outlive the rows, which are
 * rebuilt from the latest view.
 */
class ReferralList {
  readonly element = el('div', {}, t('loading'));
  readonly #busy = new Set<string>();
  readonly #errors = new Map<string, string>();
  #shown: { referrals: readonly ReferralView[]; names: Map<string, string> } | undefined;

  constructor(
    private readonly api: StaffApi,
    private readonly caseId: string,
    private readonly exported: () => Promise<void>,
  ) {}

  show(referrals: readonly ReferralView[], names: Map<string, string>): void {
    this.#shown = { referrals, names };
    if (referrals.length === 0) {
      this.element.replaceChildren(el('p', { class: 'muted' }, ct('noReferrals')));
      return;
    }
    const list = el('ul', { class: 'rows', 'data-testid': 'referral-list' });
    for (const r of [...referrals].sort((a, b) => b.referredAt.localeCompare(a.referredAt)))
      list.append(this.#row(r, names));
    this.element.replaceChildren(list);
  }

  #row(r: ReferralView, names: Map<string, string>): HTMLElement {
    const li = el('li', {
      class: 'referral',
      'data-testid': 'referral',
      'data-referral': r.id,
      'data-kind': r.kind,
      'data-institution': r.institutionId,
    });
    li.append(
      el('span', { class: 'chip' }, label(REFERRAL_KINDS, r.kind)),
      ' ',
      el('strong', {}, r.institutionName ?? names.get(r.institutionId) ?? r.institutionId),
      el('span', { class: 'muted small' }, ` · ${ct('referredAt')} ${formatTime(r.referredAt)}`),
    );
    if (r.late) {
      li.append(
        el(
          'p',
          { class: 'small warning', 'data-testid': 'referral-sent-late' },
          `${ct('sentLate')}（${r.late.windowClosedOn}）：${r.late.reason}`,
        ),
      );
    }
    if (hasBundle(r.kind)) {
      const again = el(
        'button',
        {
          type: 'button',
          class: 'small reexport',
          'data-testid': 'reexport-bundle',
          'data-referral': r.id,
        },
        ct('reexportBundle'),
      );
      again.disabled = this.#busy.has(r.id);
      again.onclick = () => this.#export(r.id, again);
      li.append(' ', again);
    }
    const error = this.#errors.get(r.id);
    if (error) li.append(el('p', { class: 'error', role: 'alert' }, error));
    return li;
  }

  #export(referralId: string, button: HTMLButtonElement): void {
    button.disabled = true;
    this.#busy.add(referralId);
    const hadError = this.#errors.delete(referralId);
    if (hadError) this.#redraw();
    this.api
      .exportBundle(this.caseId, referralId)
      .then(() => this.exported())
      .catch((err: unknown) => {
        // The server says why in both languages (no effective agreement, no application…).
        this.#errors.set(referralId, `${t('error')}${(err as Error).message}`);
      })
      .finally(() => {
        this.#busy.delete(referralId);
        this.#redraw();
      });
  }

  #redraw(): void {
    if (this.#shown) this.show(this.#shown.referrals, this.#shown.names);
  }
}

/** Holds the bundles' download errors between polls; rows are rebuilt from the latest view. */
class BundleList {
  readonly element = el('div', { 'data-testid': 'bundles' });
  readonly #errors = new Map<string, string>();
  #shown: { view: ReferralsView; names: Map<string, string> } | undefined;

  constructor(
    private readonly api: StaffApi,
    private readonly caseId: string,
  ) {}

  show(view: ReferralsView, names: Map<string, string>): void {
    this.#shown = { view, names };
    if (view.bundles.length === 0) {
      this.element.replaceChildren(el('p', { class: 'muted' }, ct('noBundles')));
      return;
    }
    const list = el('ul', { class: 'rows', 'data-testid': 'bundle-list' });
    for (const b of [...view.bundles].sort((x, y) => y.createdAt.localeCompare(x.createdAt))) {
      const institution =
        view.referrals.find((r) => r.id === b.referralId)?.institutionName ??
        names.get(b.institutionId) ??
        b.institutionId;
      list.append(this.#row(b, institution));
    }
    this.element.replaceChildren(list);
  }

  #row(b: BundleView, institution: string): HTMLElement {
    const status = b.delivery?.status ?? 'none';
    const li = el('li', {
      class: `bundle webhook-${status}`,
      'data-testid': 'bundle',
      'data-bundle': b.id,
      'data-kind': b.kind,
      'data-delivery-status': status,
    });
    const head = el('div', { class: 'row-head' });
    const title = el('span');
    title.append(
      el('strong', {}, label(REFERRAL_KINDS, b.kind)),
      el('span', { class: 'muted' }, ` · ${institution}`),
    );
    const download = el(
      'button',
      { type: 'button', class: 'small', 'data-testid': 'download-bundle' },
      ct('downloadBundle'),
    );
    download.onclick = () => this.#download(b, download);
    head.append(title, download);

    const dl = el('dl', { class: 'facts' });
    dl.append(
      ...fact(
        'SHA-256',
        `${b.sha256.slice(0, 16)}…`,
        // The full hash on hover and for tests; the short one fits a phone.
        { class: 'hash', title: b.sha256, 'data-testid': 'bundle-sha256', 'data-sha256': b.sha256 },
      ),
      ...fact(ct('fileCount'), String(b.fileCount), { 'data-testid': 'bundle-file-count' }),
      ...fact(ct('size'), formatSize(b.size)),
      ...fact(ct('createdAt'), formatTime(b.createdAt)),
    );
    const d = b.delivery;
    if (d) {
      const state = el('span');
      state.append(
        el(
          'span',
          {
            class: `chip webhook-${d.status}`,
            'data-testid': 'bundle-delivery-status',
            'data-status': d.status,
          },
          label(WEBHOOK_STATUS, d.status),
        ),
        el('span', { class: 'muted small' }, ` · ${ct('attempts')} ${d.attempts}`),
      );
      dl.append(...fact(ct('delivery'), state));
      if (d.status === 'pending')
        dl.append(...fact(ct('nextAttempt'), formatTime(d.nextAttemptAt)));
      if (d.deliveredAt) dl.append(...fact(ct('deliveredAt'), formatTime(d.deliveredAt)));
      if (d.receipt) dl.append(...fact(ct('receipt'), receiptText(d.receipt), { class: 'hash' }));
      if (d.lastError)
        dl.append(
          ...fact(ct('lastError'), d.lastError, {
            class: 'error',
            'data-testid': 'bundle-last-error',
          }),
        );
    } else {
      dl.append(...fact(ct('delivery'), ct('noWebhook'), { class: 'muted' }));
    }
    li.append(head, dl);
    const error = this.#errors.get(b.id);
    if (error) li.append(el('p', { class: 'error', role: 'alert' }, error));
    return li;
  }

  #download(b: BundleView, button: HTMLButtonElement): void {
    button.disabled = true;
    this.#errors.delete(b.id);
    this.api
      .bundleFile(this.caseId, b.id)
      .then(async (file) => {
        const actual = await sha256Hex(await file.blob.arrayBuffer());
        // null: no SubtleCrypto here (not a secure context), nothing to compare.
        if (actual !== null && actual !== b.sha256) this.#errors.set(b.id, ct('bundleHashBad'));
        saveDownload(URL.createObjectURL(file.blob), file.filename);
      })
      .catch((err: unknown) => {
        this.#errors.set(b.id, `${t('error')}${(err as Error).message}`);
      })
      .finally(() => {
        button.disabled = false;
        if (this.#errors.has(b.id) && this.#shown) this.show(this.#shown.view, this.#shown.names);
      });
  }
}

/** The section; it polls while a bundle's delivery is pending and it is on the page. */
export function referralsSection(api: StaffApi, caseId: string): HTMLElement {
  const box = el('section', { class: 'file-section referrals', 'data-testid': 'referrals' });
  const problem = el('p', { class: 'error', role: 'alert' });
  const formSlot = el('div');
  const bundles = new BundleList(api, caseId);
  // A new bundle shows at once; its delivery is then followed like the first one's.
  const referrals = new ReferralList(api, caseId, () => load());
  box.append(
    el('h3', {}, ct('referralsTitle')),
    el('p', { class: 'muted small' }, ct('referralsNote')),
    problem,
    referrals.element,
    formSlot,
    el('h4', {}, ct('bundlesTitle')),
    bundles.element,
  );
  let names = new Map<string, string>();
  let signature = '';
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async (): Promise<void> => {
    clearTimeout(timer);
    // Gone from the page (another view): stop.
    if (started && !box.isConnected) return;
    started = true;
    let again = false;
    try {
      const view = await api.referrals(caseId);
      problem.textContent = '';
      const next = JSON.stringify(view);
      if (next !== signature) {
        signature = next;
        referrals.show(view.referrals, names);
        bundles.show(view, names);
      }
      again = view.bundles.some((b) => b.delivery?.status === 'pending');
    } catch (error) {
      problem.textContent = `${t('loadFailed')}${(error as Error).message}`;
      again = true;
    }
    if (again) timer = setTimeout(() => void load(), POLL_MS);
  };
  api
    .institutions()
    .then((institutions) => {
      names = new Map(institutions.map((i) => [i.id, i.name]));
      formSlot.replaceChildren(referralForm(api, caseId, institutions, () => void load()));
    })
    .catch((error: unknown) =>
      formSlot.replaceChildren(
        el('p', { class: 'error', role: 'alert' }, `${t('loadFailed')}${(error as Error).message}`),
      ),
    );
  void load();
  return box;
}
