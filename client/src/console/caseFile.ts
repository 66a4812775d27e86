/**
 * The case view's file sections: the parties (当事人) with their identity
 * numbers, the evidence (证据) with its fixed hashes and view links, the
 * parties' choice on caucus material (背靠背材料的使用) and the audit
 * chain's verification (审计链校验).
 */
import { el, fact } from '../dom.js';
import { formatSize } from '../format.js';
import type { DisclosureView } from '../documents/model.js';
import type {
  AuditVerification,
  CasePersonView,
  EvidenceCategory,
  EvidenceItemView,
  StaffApi,
} from './api.js';
import {
  AUDIT_FAILURES,
  EVIDENCE_CATEGORIES,
  EVIDENCE_SIDES,
  PARTY_SIDES,
  PERSON_KINDS,
  ROLES,
  formatTime,
  label,
} from './labels.js';
import { ct, ct as t, type ConsoleKey } from './i18n.js';

function section(titleKey: ConsoleKey, testId: string): HTMLElement {
  const box = el('section', { class: 'file-section', 'data-testid': testId });
  box.append(el('h3', {}, ct(titleKey)));
  return box;
}

function failed(error: unknown): HTMLElement {
  return el(
    'p',
    { class: 'error', role: 'alert' },
    `${t('loadFailed')}${(error as Error).message}`,
  );
}

/** Applicant and respondent first, each followed by their agents; observers last. */
export function partiesSection(people: readonly CasePersonView[]): HTMLElement {
  const box = section('partiesTitle', 'parties');
  if (people.length === 0) {
    box.append(el('p', { class: 'muted' }, ct('noPeople')));
    return box;
  }
  const names = new Map(people.map((p) => [p.id, p.name]));
  const agentsOf = (id: string) =>
    people.filter((p) => p.kind === 'agent' && p.representsId === id);
  const ordered: CasePersonView[] = [];
  for (const kind of ['applicant', 'respondent']) {
    for (const party of people.filter((p) => p.kind === kind))
      ordered.push(party, ...agentsOf(party.id));
  }
  const placed = new Set(ordered.map((p) => p.id));
  // Agents whose party is not in the file, then observers.
  ordered.push(...people.filter((p) => !placed.has(p.id) && p.kind !== 'observer'));
  ordered.push(...people.filter((p) => p.kind === 'observer'));

  const list = el('ul', { class: 'rows people' });
  for (const p of ordered) {
    const li = el('li', {
      class: `person ${p.kind}`,
      'data-testid': 'person',
      'data-kind': p.kind,
      'data-person': p.id,
    });
    li.append(
      el('span', { class: 'chip' }, label(PERSON_KINDS, p.kind)),
      ' ',
      el('strong', { 'data-testid': 'person-name' }, p.name),
    );
    const dl = el('dl', { class: 'facts' });
    if (p.idNumber)
      dl.append(
        ...fact(ct(p.isOrganisation ? 'creditCode' : 'idNumber'), p.idNumber, { class: 'hash' }),
      );
    if (p.legalRepresentative) dl.append(...fact(ct('legalRepresentative'), p.legalRepresentative));
    if (p.kind === 'agent' && p.representsId) {
      const power = p.powerOfAttorney
        ? `（${ct(p.powerOfAttorney.scope === 'special' ? 'specialPower' : 'generalPower')}）`
        : '';
      dl.append(
        ...fact(ct('represents'), `${names.get(p.representsId) ?? p.representsId}${power}`),
      );
    }
    if (p.phone) dl.append(...fact(ct('phone'), p.phone));
    if (dl.childElementCount > 0) li.append(dl);
    list.append(li);
  }
  box.append(list);
  return box;
}

/** Opens a tab at once (inside the click) and points it at the link when it arrives. */
function openInNewTab(link: () => Promise<string>, button: HTMLButtonElement, error: HTMLElement) {
  const tab = window.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  button.disabled = true;
  error.textContent = '';
  link()
    .then((url) => {
      if (tab) tab.location.href = url;
      else window.open(url, '_blank', 'noopener');
    })
    .catch((e: unknown) => {
      tab?.close();
      error.textContent = `${t('error')}${(e as Error).message}`;
    })
    .finally(() => {
      button.disabled = false;
    });
}

const CATEGORIES = Object.keys(EVIDENCE_CATEGORIES) as EvidenceCategory[];

/**
 * What the item is filed as, changeable in place: a change is saved at once
 * and `saved` gets the server's view of the item; a refusal puts the choice
 * back and says why.
 */
function categorySelect(
  api: StaffApi,
  caseId: string,
  item: EvidenceItemView,
  error: HTMLElement,
  saved: (item: EvidenceItemView) => void,
): HTMLSelectElement {
  const select = el('select', {
    class: 'category-select',
    'data-testid': 'evidence-category-select',
    'data-item': item.id,
    'aria-label': `${ct('evidenceCategory')} · ${item.title}`,
  });
  for (const category of CATEGORIES) {
    const option = el('option', { value: category }, label(EVIDENCE_CATEGORIES, category));
    option.selected = category === item.category;
    select.append(option);
  }
  select.onchange = () => {
    const category = CATEGORIES.find((c) => c === select.value);
    if (!category) return;
    select.disabled = true;
    error.textContent = '';
    api
      .setEvidenceCategory(caseId, item.id, category)
      .then(saved)
      .catch((e: unknown) => {
        select.value = item.category;
        error.textContent = `${t('error')}${(e as Error).message}`;
      })
      .finally(() => {
        select.disabled = false;
      });
  };
  return select;
}

function evidenceRow(api: StaffApi, caseId: string, item: EvidenceItemView): HTMLElement {
  const li = el('li', {
    class: 'evidence-item',
    'data-testid': 'evidence-item',
    'data-item': item.id,
  });
  const head = el('div', { class: 'row-head' });
  const title = el('span');
  title.append(
    el('strong', {}, item.title),
    el('span', { class: 'muted' }, ` · ${ct(item.originalOrCopy)}`),
  );
  const flags = el('span', { class: 'flags' });
  const category = item.category;
  if (category !== 'evidence')
    flags.append(el('span', { class: 'chip' }, label(EVIDENCE_CATEGORIES, category)), ' ');
  flags.append(
    el(
      'span',
      { class: `chip ${item.shared ? 'complete' : ''}` },
      ct(item.shared ? 'shared' : 'notShared'),
    ),
  );
  if (item.confidential)
    flags.append(' ', el('span', { class: 'chip processing' }, ct('confidential')));
  if (item.integrity === 'missing')
    flags.append(' ', el('span', { class: 'chip recording' }, ct('fileMissing')));
  title.append(' ', flags);
  const view = el(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'view-evidence' },
    ct('viewEvidence'),
  );
  const error = el('span', { class: 'error', role: 'alert' });
  view.onclick = () => openInNewTab(() => api.evidenceViewLink(caseId, item.id), view, error);
  head.append(title, view);
  // Saved: the row is drawn again from the server's view, the focus kept on the choice.
  const redraw = (updated: EvidenceItemView) => {
    const next = evidenceRow(api, caseId, updated);
    li.replaceWith(next);
    next.querySelector('select')?.focus();
  };
  const categoryValue = el('dd', {
    'data-testid': 'evidence-item-category',
    'data-category': category,
  });
  categoryValue.append(categorySelect(api, caseId, item, error, redraw));
  const dl = el('dl', { class: 'facts' });
  dl.append(
    el('dt', {}, ct('evidenceCategory')),
    categoryValue,
    ...fact(ct('purpose'), item.purpose || '—'),
    ...fact(ct('type'), `${item.label}（${item.typeId.toUpperCase()}）`),
    ...fact(
      ct('size'),
      `${formatSize(item.size)}${item.pages ? ` · ${item.pages} ${t('pages')}` : ''}`,
    ),
    ...fact(
      ct('submittedBy'),
      `${label(EVIDENCE_SIDES, item.uploaderSide)} · ${label(ROLES, item.uploaderRole)}`,
    ),
    ...fact(ct('receivedAt'), formatTime(item.receivedAt)),
  );
  dl.append(
    el('dt', {}, 'SHA-256'),
    el('dd', { class: 'hash', 'data-testid': 'evidence-sha256' }, item.sha256),
  );
  li.append(head, dl, error);
  return li;
}

export function evidenceSection(api: StaffApi, caseId: string): HTMLElement {
  const box = section('evidenceTitle', 'evidence-section');
  const body = el('div', {}, t('loading'));
  box.append(body);
  api
    .evidence(caseId)
    .then((items) => {
      if (items.length === 0) {
        body.replaceChildren(el('p', { class: 'muted' }, ct('noEvidence')));
        return;
      }
      const list = el('ul', { class: 'rows' });
      for (const item of [...items].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)))
        list.append(evidenceRow(api, caseId, item));
      body.replaceChildren(list);
    })
    .catch((error: unknown) => body.replaceChildren(failed(error)));
  return box;
}

function disclosureState(d: DisclosureView): HTMLElement[] {
  const verdict = el(
    'p',
    {
      class: d.agreed ? 'verdict ok' : 'verdict',
      'data-testid': 'disclosure-verdict',
      'data-agreed': String(d.agreed),
    },
    d.agreed ? ct('disclosureBoth') : ct('disclosureNotBoth'),
  );
  const dl = el('dl', { class: 'facts' });
  for (const side of ['applicant', 'respondent'] as const) {
    const agreed = d.sides[side];
    dl.append(
      el('dt', {}, label(PARTY_SIDES, side)),
      el(
        'dd',
        { 'data-testid': 'disclosure-side', 'data-side': side, 'data-agreed': String(agreed) },
        agreed ? ct('disclosureAgreed') : ct('disclosureNotAgreed'),
      ),
    );
  }
  const people = el('ul', { class: 'rows small' });
  for (const c of [...d.consents].sort((a, b) => b.at.localeCompare(a.at))) {
    people.append(
      el(
        'li',
        { 'data-testid': 'disclosure-consent', 'data-person': c.personId },
        `${c.name}（${label(PARTY_SIDES, c.side)}）：${ct(c.agree ? 'disclosureAgreed' : 'disclosureNotAgreed')} · ${formatTime(c.at)}`,
      ),
    );
  }
  if (d.consents.length === 0) people.append(el('li', { class: 'muted' }, ct('disclosureNobody')));
  return [verdict, dl, people];
}

/** Whether caucus material may go with an application: the parties decide, staff only see. */
export function disclosureSection(api: StaffApi, caseId: string): HTMLElement {
  const box = section('disclosureTitle', 'disclosure');
  const body = el('div', {}, t('loading'));
  box.append(el('p', { class: 'muted small' }, ct('disclosureNote')), body);
  api
    .disclosure(caseId)
    .then((d) => body.replaceChildren(...disclosureState(d)))
    .catch((error: unknown) => body.replaceChildren(failed(error)));
  return box;
}

function auditResult(v: AuditVerification): HTMLElement[] {
  const verdict = el(
    'p',
    {
      class: `verdict ${v.ok ? 'ok' : 'broken'}`,
      'data-testid': 'audit-verdict',
      'data-ok': String(v.ok),
    },
    v.ok ? `✓ ${ct('auditOk')}` : `✗ ${ct('auditBroken')}`,
  );
  const dl = el('dl', { class: 'facts' });
  dl.append(
    el('dt', {}, ct('auditLength')),
    el('dd', { 'data-testid': 'audit-length' }, String(v.length)),
  );
  if (v.ok) {
    dl.append(...fact(ct('auditHead'), v.head?.hash ?? ct('auditNoEvents'), { class: 'hash' }));
  } else {
    dl.append(
      ...fact(
        ct('auditFailedAt'),
        `#${v.failedAt} · ${label(AUDIT_FAILURES, v.reason)}（${v.detail}）`,
      ),
    );
  }
  return [verdict, dl];
}

export function auditSection(api: StaffApi, caseId: string): HTMLElement {
  const box = section('auditTitle', 'audit');
  const body = el('div', {}, t('loading'));
  const again = el(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'audit-recheck' },
    ct('recheck'),
  );
  const run = () => {
    again.disabled = true;
    api
      .audit(caseId)
      .then((v) => body.replaceChildren(...auditResult(v)))
      .catch((error: unknown) => body.replaceChildren(failed(error)))
      .finally(() => {
        again.disabled = false;
      });
  };
  again.onclick = run;
  box.append(body, again);
  run();
  return box;
}
