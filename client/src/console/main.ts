/**
 * The staff console (/console): sign in, the cases within reach with their
 * open deadlines (and, for clerks, the organisation's statistics and its
 * institutions), and a case's file: parties, sessions, evidence, the
 * parties' choice on caucus material, documents, referrals, recordings and
 * the audit chain's verification.
 * Views follow the address's fragment (#/cases/<id>, #/institutions), so the
 * browser's back button works and a reload stays on the same view.
 */
import { el, labelled } from '../dom.js';
import { lang } from '../i18n.js';
import '../styles.css';
import './console.css';
import {
  ApiError,
  StaffApi,
  forgetSession,
  signIn,
  storedSession,
  type CaseListItem,
  type CaseSessionView,
} from './api.js';
import { auditSection, disclosureSection, evidenceSection, partiesSection } from './caseFile.js';
import { procedureSection } from './procedure.js';
import { deadlineList } from './deadlines.js';
import { extensionSection, noticesSection } from './notices.js';
import { documentsSection } from './documents.js';
import { calendarPanel } from './calendar.js';
import { paymentOrderSection } from './paymentOrder.js';
import { institutionsPanel } from './institutions.js';
import { RecordingCard } from './RecordingCard.js';
import { CASE_STATUS, DISPUTE_TYPES, ROLES, SESSION_STATUS, label } from './labels.js';
import { referralsSection } from './referrals.js';
import { statisticsPanel } from './statistics.js';
import { ct, ct as t, switchLang } from './i18n.js';

const POLL_MS = 2_000;
/** A new recording of the case shows up without a reload. */
const IDLE_POLL_MS = 15_000;

const app = document.querySelector<HTMLElement>('#app')!;
let api: StaffApi | undefined;
let notice: string | undefined;
/** Ends the current view's polling when another view replaces it. */
let leaveView: () => void = () => undefined;

function connect(): void {
  const session = storedSession();
  api = session
    ? new StaffApi(session, () => {
        api = undefined;
        notice = t('sessionExpired');
        show();
      })
    : undefined;
}

function header(): HTMLElement {
  const h = el('header', { class: 'console-header' });
  const titles = el('div');
  titles.append(
    el('h1', {}, `${t('title')} · ${t('consoleTitle')}`),
    el('p', { class: 'subtitle' }, t('consoleSubtitle')),
  );
  const tools = el('div', { class: 'tools' });
  if (api) {
    const who = api.session.staff;
    tools.append(
      el(
        'span',
        { class: 'who', 'data-testid': 'signed-in' },
        `${who.displayName}（${label(ROLES, who.role)}）`,
      ),
    );
    const out = el('button', { class: 'link', 'data-testid': 'sign-out' }, t('signOut'));
    out.onclick = () => {
      forgetSession();
      api = undefined;
      notice = undefined;
      location.hash = '';
      show();
    };
    tools.append(out);
  }
  const langButton = el('button', { class: 'link', 'data-testid': 'lang' }, t('language'));
  langButton.onclick = () => {
    switchLang();
    show();
  };
  tools.append(langButton);
  h.append(titles, tools);
  return h;
}

/** Renders the view the address names. */
function show(): void {
  leaveView();
  leaveView = () => undefined;
  const main = el('main');
  app.replaceChildren(header(), main);
  if (!api) {
    main.append(signInForm());
    return;
  }
  const match = /^#\/cases\/([^/]+)$/.exec(location.hash);
  if (match) void caseView(main, decodeURIComponent(match[1]!));
  else if (location.hash === '#/institutions') institutionsView(main);
  else if (location.hash === '#/calendar') calendarView(main);
  else void caseList(main);
}

function signInForm(): HTMLElement {
  const form = el('form', { class: 'card sign-in', 'data-testid': 'sign-in' });
  const heading = el('h2', { tabindex: '-1' }, t('signInHeading'));
  const username = el('input', {
    name: 'username',
    autocomplete: 'username',
    required: '',
    maxlength: '100',
  });
  const password = el('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: '',
    maxlength: '200',
  });
  const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'sign-in-error' });
  if (notice) error.textContent = notice;
  const submit = el('button', { type: 'submit', class: 'primary' }, t('signIn'));
  form.append(
    heading,
    labelled(t('username'), username),
    labelled(t('password'), password),
    error,
    submit,
  );
  form.onsubmit = (e) => {
    e.preventDefault();
    submit.disabled = true;
    submit.textContent = t('signingIn');
    error.textContent = '';
    signIn(username.value.trim(), password.value)
      .then(() => {
        notice = undefined;
        connect();
        show();
      })
      .catch((err: unknown) => {
        error.textContent =
          err instanceof ApiError && err.status === 401
            ? t('signInFailed')
            : `${t('error')}${(err as Error).message}`;
        submit.disabled = false;
        submit.textContent = t('signIn');
        password.select();
      });
  };
  queueMicrotask(() => username.focus());
  return form;
}

async function caseList(main: HTMLElement): Promise<void> {
  const heading = el('h2', { tabindex: '-1' }, t('cases'));
  const list = el('ul', { class: 'case-list', 'data-testid': 'cases' });
  main.append(heading, el('p', { class: 'muted' }, t('loading')));
  const currentApi = api!;
  let cases: CaseListItem[];
  let role: string;
  try {
    // The server's word on the role, not the copy kept since sign-in.
    [cases, role] = await Promise.all([
      currentApi.cases(),
      currentApi.me().then(
        (me) => me.role,
        () => currentApi.session.staff.role,
      ),
    ]);
  } catch (error) {
    main.replaceChildren(heading, failure(error));
    return;
  }
  main.replaceChildren(heading, list);
  if (role === 'clerk')
    main.prepend(
      statisticsPanel(currentApi),
      el(
        'a',
        { href: '#/institutions', class: 'card nav-card', 'data-testid': 'open-institutions' },
        `${ct('openInstitutions')} ›`,
      ),
      el(
        'a',
        { href: '#/calendar', class: 'card nav-card', 'data-testid': 'open-calendar' },
        `${ct('openCalendar')} ›`,
      ),
    );
  if (cases.length === 0) list.append(el('li', { class: 'muted' }, t('noCases')));
  for (const c of cases) {
    const li = el('li', { 'data-testid': 'case-item', 'data-case': c.id });
    const link = el('a', { href: `#/cases/${encodeURIComponent(c.id)}`, class: 'card case' });
    link.append(
      el('strong', { class: 'case-number' }, c.caseNumber),
      el('span', { class: `chip ${c.status}` }, label(CASE_STATUS, c.status)),
      el('span', {}, label(DISPUTE_TYPES, c.disputeType)),
      el(
        'span',
        { class: 'muted' },
        `${t('receivedOn')} ${c.receivedOn} · ${t('mediationDue')} ${c.mediationDueOn}`,
      ),
      deadlineList(c.openDeadlines ?? []),
      el('span', { class: 'go' }, `${t('openRecordings')} ›`),
    );
    li.append(link);
    list.append(li);
  }
}

/** Clerks: the courts and arbitration commissions cases are referred to. */
function institutionsView(main: HTMLElement): void {
  const back = el(
    'a',
    { href: '#/', class: 'back', 'data-testid': 'back' },
    `‹ ${t('backToCases')}`,
  );
  const heading = el('h2', { tabindex: '-1' }, ct('institutionsTitle'));
  main.append(back, heading, institutionsPanel(api!));
  heading.focus();
}

/** Clerks: the State Council holiday schedules deadlines are computed on. */
function calendarView(main: HTMLElement): void {
  const back = el(
    'a',
    { href: '#/', class: 'back', 'data-testid': 'back' },
    `‹ ${t('backToCases')}`,
  );
  const heading = el('h2', { tabindex: '-1' }, ct('calendarTitle'));
  main.append(back, heading, calendarPanel(api!));
  heading.focus();
}

async function caseView(main: HTMLElement, caseId: string): Promise<void> {
  let active = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  leaveView = () => {
    active = false;
    clearTimeout(timer);
  };
  const back = el(
    'a',
    { href: '#/', class: 'back', 'data-testid': 'back' },
    `‹ ${t('backToCases')}`,
  );
  const heading = el('h2', { tabindex: '-1', 'data-testid': 'case-heading' }, t('loading'));
  const parties = el('p', { class: 'muted' });
  const sessions = el('section', { class: 'sessions', 'data-testid': 'sessions' });
  const list = el('div', { class: 'recordings', 'data-testid': 'recordings' });
  const problem = el('p', { class: 'error', role: 'alert' });
  main.append(
    back,
    heading,
    parties,
    sessions,
    el('h3', {}, t('recordings')),
    el('p', { class: 'muted small' }, t('timesNote')),
    problem,
    list,
  );
  heading.focus();
  const currentApi = api!;
  try {
    const file = await currentApi.caseFile(caseId);
    if (!active) return;
    heading.textContent = `${t('case')} ${file.case.caseNumber} · ${label(DISPUTE_TYPES, file.case.disputeType)}`;
    const applicant = file.people.find((p) => p.kind === 'applicant')?.name;
    const respondent = file.people.find((p) => p.kind === 'respondent')?.name;
    if (applicant && respondent) parties.textContent = `${applicant} — ${respondent}`;
    parties.after(deadlineList(file.deadlines ?? []), partiesSection(file.people));
    sessionList(sessions, currentApi, file.sessions ?? []);
    sessions.after(
      evidenceSection(currentApi, caseId),
      disclosureSection(currentApi, caseId),
      procedureSection(currentApi, caseId, file, show),
      documentsSection(currentApi, caseId, file),
      noticesSection(currentApi, caseId),
      extensionSection(currentApi, caseId, file),
      referralsSection(currentApi, caseId),
      paymentOrderSection(currentApi, caseId, file),
    );
    main.append(auditSection(currentApi, caseId));
  } catch (error) {
    if (active) main.replaceChildren(back, failure(error));
    return;
  }
  const cards = new Map<string, RecordingCard>();
  const refresh = async (): Promise<void> => {
    const recordings = await currentApi.recordings(caseId);
    if (!active) return;
    // Newest first.
    recordings.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    for (const r of recordings) {
      const card = cards.get(r.id);
      if (card) card.update(r);
      else cards.set(r.id, new RecordingCard(currentApi, caseId, r));
    }
    const order = recordings.map((r) => cards.get(r.id)!.element);
    if (order.length === 0) {
      list.replaceChildren(el('p', { class: 'muted' }, t('noRecordings')));
    } else if (
      order.length !== list.children.length ||
      order.some((node, i) => list.children[i] !== node)
    ) {
      // Only when the set or order changed: moving a playing <video> would pause it.
      list.replaceChildren(...order);
    }
  };
  const tick = async (): Promise<void> => {
    let retry = false;
    try {
      await refresh();
      problem.textContent = '';
    } catch (error) {
      if (!active || (error instanceof ApiError && error.status === 401)) return;
      problem.textContent = `${t('loadFailed')}${(error as Error).message}`;
      retry = true;
    }
    // Follow a recording closely while it is on or its composite is being made.
    const busy = retry || [...cards.values()].some((c) => !c.settled);
    if (active) timer = setTimeout(() => void tick(), busy ? POLL_MS : IDLE_POLL_MS);
  };
  await tick();
}

/**
 * The case's sessions; the mediator enters a scheduled or live one from here
 * (the call page opens in this tab, and the back button returns).
 */
function sessionList(
  section: HTMLElement,
  currentApi: StaffApi,
  sessions: CaseSessionView[],
): void {
  section.replaceChildren(el('h3', {}, t('sessionsTitle')));
  if (sessions.length === 0) {
    section.append(el('p', { class: 'muted' }, t('noSessions')));
    return;
  }
  const list = el('ul', { class: 'session-list' });
  const mediator = currentApi.session.staff.role === 'mediator';
  for (const s of [...sessions].sort((a, b) => b.scheduledStart.localeCompare(a.scheduledStart))) {
    const li = el('li', {
      class: 'card session',
      'data-testid': 'session-item',
      'data-session': s.id,
    });
    const when = new Date(s.scheduledStart).toLocaleString(lang(), {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Asia/Shanghai',
    });
    li.append(
      el('strong', {}, when),
      el('span', { class: `chip ${s.status}` }, label(SESSION_STATUS, s.status)),
    );
    if (mediator && (s.status === 'scheduled' || s.status === 'live')) {
      const enter = el(
        'button',
        { class: 'primary', 'data-testid': 'enter-session' },
        t('enterSession'),
      );
      const error = el('span', { class: 'error', role: 'alert' });
      enter.onclick = () => {
        enter.disabled = true;
        error.textContent = '';
        currentApi
          .joinToken(s.id)
          .then((token) => location.assign(`/join#token=${encodeURIComponent(token)}`))
          .catch((e: unknown) => {
            enter.disabled = false;
            error.textContent = `${t('error')}${(e as Error).message}`;
          });
      };
      li.append(enter, error);
    }
    list.append(li);
  }
  section.append(list);
}

function failure(error: unknown): HTMLElement {
  return el(
    'p',
    { class: 'error', role: 'alert' },
    `${t('loadFailed')}${(error as Error).message}`,
  );
}

document.documentElement.lang = lang();
window.addEventListener('hashchange', show);
connect();
show();
