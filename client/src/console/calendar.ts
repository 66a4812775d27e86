/**
 * The clerk's 节假日安排 view: the loaded State Council schedules and a form to load a later
 * year (or correct a loaded one with a reason). The server checks every rule and names the
 * entry it refuses; this form only turns the lines typed into the request.
 */
import { el, labelled } from '../dom.js';
import { ApiError, type CalendarView, type CalendarYearInput, type StaffApi } from './api.js';
import { formatTime } from './labels.js';
import { ct, ct as t } from './i18n.js';

const DATE = String.raw`\d{4}-\d{2}-\d{2}`;
const HOLIDAY_LINE = new RegExp(`^(${DATE})(?:\\s*(?:至|~|–|—|to|\\s)\\s*(${DATE}))?\\s+(.+)$`);

/** "2027-10-01 2027-10-07 国庆节" (or one date for a single day) → a range. */
export function parseHolidayLines(
  text: string,
): { holidays: CalendarYearInput['holidays'] } | { bad: string } {
  const holidays: CalendarYearInput['holidays'] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = HOLIDAY_LINE.exec(line);
    if (!m) return { bad: line };
    holidays.push({ first: m[1]!, last: m[2] ?? m[1]!, name: m[3]!.trim() });
  }
  return { holidays };
}

function originLabel(origin: CalendarView['years'][number]['origin']): string {
  return ct(
    origin === 'shipped'
      ? 'calendarShipped'
      : origin === 'added'
        ? 'calendarAdded'
        : 'calendarCorrected',
  );
}

function yearList(view: CalendarView): HTMLElement {
  const list = el('ul', { class: 'calendar-years', 'data-testid': 'calendar-years' });
  for (const y of view.years) {
    const li = el('li', { 'data-testid': 'calendar-year', 'data-year': String(y.year) });
    li.append(
      el('strong', {}, String(y.year)),
      el('span', { class: `chip ${y.origin}` }, originLabel(y.origin)),
      el('span', { class: 'muted small' }, y.source),
    );
    if (y.addedAt) li.append(el('span', { class: 'muted small' }, formatTime(y.addedAt)));
    if (y.correctionReason) li.append(el('span', { class: 'small' }, y.correctionReason));
    list.append(li);
  }
  return list;
}

function addForm(api: StaffApi, done: () => void): HTMLElement {
  const form = el('form', { class: 'card', 'data-testid': 'calendar-form' });
  const nextYear = new Date().getFullYear() + 1;
  const year = el('input', {
    name: 'year',
    type: 'number',
    min: '2000',
    max: '9999',
    required: '',
    value: String(nextYear),
  });
  const title = el('input', { name: 'title', required: '', maxlength: '200' });
  const number = el('input', { name: 'number', maxlength: '100' });
  const url = el('input', { name: 'url', type: 'url', maxlength: '500' });
  const publishedOn = el('input', { name: 'publishedOn', type: 'date', required: '' });
  const holidays = el('textarea', { name: 'holidays', rows: '8', required: '' });
  holidays.placeholder = `${nextYear}-01-01 ${nextYear}-01-01 元旦`;
  const workdays = el('textarea', { name: 'workdays', rows: '2' });
  const correction = el('input', { name: 'correction', type: 'checkbox' });
  const reason = el('input', { name: 'reason', maxlength: '500' });
  const error = el('div', { class: 'error', role: 'alert', 'data-testid': 'calendar-error' });
  const status = el('p', { role: 'status', 'data-testid': 'calendar-status' });
  const submit = el('button', { type: 'submit', class: 'primary' }, ct('calendarSubmit'));
  form.append(
    el('h3', {}, ct('calendarAddTitle')),
    labelled(ct('calendarYear'), year),
    labelled(ct('calendarSourceTitle'), title),
    labelled(ct('calendarSourceNumber'), number),
    labelled(ct('calendarSourceUrl'), url),
    labelled(ct('calendarPublishedOn'), publishedOn),
    labelled(ct('calendarHolidays'), holidays),
    labelled(ct('calendarWorkdays'), workdays),
    labelled(ct('calendarCorrection'), correction),
    labelled(ct('calendarCorrectionReason'), reason),
    error,
    status,
    submit,
  );
  form.onsubmit = (e) => {
    e.preventDefault();
    error.replaceChildren();
    status.textContent = '';
    const parsed = parseHolidayLines(holidays.value);
    if ('bad' in parsed) {
      error.textContent = `${ct('calendarBadLine')}${parsed.bad}`;
      return;
    }
    const input: CalendarYearInput = {
      year: Number(year.value),
      holidays: parsed.holidays,
      workdays: workdays.value.split(/[\s,，、]+/).filter(Boolean),
      source: {
        title: title.value,
        publishedOn: publishedOn.value,
        ...(number.value.trim() ? { number: number.value } : {}),
        ...(url.value.trim() ? { url: url.value } : {}),
      },
      ...(correction.checked ? { correction: { reason: reason.value } } : {}),
    };
    submit.disabled = true;
    api
      .addCalendarYear(input)
      .then((r) => {
        status.textContent = `${ct('calendarDone')}${r.deadlinesChanged}${ct('calendarNotices')}${r.notices}`;
        done();
      })
      .catch((err: unknown) => {
        error.append(el('p', {}, `${t('error')}${(err as Error).message}`));
        if (err instanceof ApiError && err.issues.length > 0) {
          const list = el('ul');
          for (const issue of err.issues) list.append(el('li', {}, issue));
          error.append(list);
        }
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
  return form;
}

export function calendarPanel(api: StaffApi): HTMLElement {
  const box = el('section', { class: 'calendar', 'data-testid': 'calendar' });
  const loaded = el('div', { class: 'card' }, t('loading'));
  const load = () =>
    api
      .calendar()
      .then((view) => {
        const nodes: HTMLElement[] = [el('h3', {}, ct('calendarLoaded')), yearList(view)];
        if (view.missingScheduleYears.length > 0)
          nodes.push(
            el(
              'p',
              { class: 'error', role: 'alert', 'data-testid': 'calendar-missing' },
              `${ct('calendarMissing')}${view.missingScheduleYears.join(', ')}`,
            ),
          );
        loaded.replaceChildren(...nodes);
      })
      .catch((e: unknown) =>
        loaded.replaceChildren(
          el('p', { class: 'error' }, `${t('loadFailed')}${(e as Error).message}`),
        ),
      );
  box.append(el('p', { class: 'muted small' }, ct('calendarNote')), loaded, addForm(api, load));
  void load();
  return box;
}
