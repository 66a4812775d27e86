/** The organisation's 统计报告 on the console home, for clerks, with its CSV download. */
import { el } from '../dom.js';
import { deadlineLabel } from '../i18n.js';
import type { DeadlineKind, StaffApi, StatisticsView } from './api.js';
import { DISPUTE_TYPES, formatTime, label } from './labels.js';
import { ct, ct as t, type ConsoleKey } from './i18n.js';

const TOTALS: ConsoleKey[] = [
  'received',
  'accepted',
  'refused',
  'open',
  'closed',
  'settled',
  'terminated',
  'withdrawn',
  'archived',
];

function tile(key: ConsoleKey, value: string): HTMLElement {
  const box = el('div', { class: 'stat', 'data-testid': `stat-${key}` });
  box.append(
    el('span', { class: 'stat-value' }, value),
    el('span', { class: 'stat-label' }, ct(key)),
  );
  return box;
}

function table(heads: string[], rows: (string | number)[][], testId: string): HTMLElement {
  const wrap = el('div', { class: 'table-wrap' });
  const tableNode = el('table', { class: 'stats-table', 'data-testid': testId });
  const head = el('tr');
  for (const h of heads) head.append(el('th', {}, h));
  tableNode.append(el('thead'), el('tbody'));
  tableNode.tHead!.append(head);
  for (const row of rows) {
    const tr = el('tr');
    for (const cell of row) tr.append(el('td', {}, String(cell)));
    tableNode.tBodies[0]!.append(tr);
  }
  wrap.append(tableNode);
  return wrap;
}

function report(s: StatisticsView): HTMLElement[] {
  const tiles = el('div', { class: 'stat-tiles' });
  for (const key of TOTALS)
    tiles.append(tile(key, String(s.totals[key as keyof StatisticsView['totals']])));
  tiles.append(
    tile(
      'settlementRate',
      s.settlementRate === null ? '—' : `${Math.round(s.settlementRate * 1000) / 10}%`,
    ),
    tile('medianDays', s.medianDaysToClose === null ? '—' : `${s.medianDaysToClose} ${ct('days')}`),
    tile('overdueTotal', String(s.overdue.total)),
  );
  const nodes: HTMLElement[] = [];
  const missing = s.calendar?.missingScheduleYears ?? [];
  if (missing.length > 0) {
    const warning = el(
      'p',
      { class: 'error', role: 'alert', 'data-testid': 'calendar-warning' },
      `${ct('calendarMissing')}${missing.join(', ')} `,
    );
    // Where the clerk loads the year.
    warning.append(
      el(
        'a',
        { href: '#/calendar', 'data-testid': 'calendar-warning-link' },
        `${ct('calendarLoadLink')} ›`,
      ),
    );
    nodes.push(warning);
  }
  nodes.push(tiles);
  const types = Object.entries(s.byDisputeType).filter(([, n]) => n > 0);
  const overdue = Object.entries(s.overdue.byKind).filter(([, n]) => n > 0);
  const details = el('div', { class: 'stat-details' });
  if (types.length > 0)
    details.append(
      table(
        [ct('byDisputeType'), ct('received')],
        types.map(([type, n]) => [label(DISPUTE_TYPES, type), n]),
        'stats-by-type',
      ),
    );
  if (s.byMonth.length > 0)
    details.append(
      table(
        [ct('month'), ct('received'), ct('closed'), ct('settled')],
        s.byMonth.map((m) => [m.month, m.received, m.closed, m.settled]),
        'stats-by-month',
      ),
    );
  if (overdue.length > 0)
    details.append(
      table(
        [ct('overdueTotal'), ''],
        overdue.map(([kind, n]) => [deadlineLabel(kind as DeadlineKind), n]),
        'stats-overdue',
      ),
    );
  if (details.childElementCount > 0) nodes.push(details);
  nodes.push(
    el('p', { class: 'muted small' }, `${ct('generatedAt')} ${formatTime(s.generatedAt)}`),
  );
  return nodes;
}

export function statisticsPanel(api: StaffApi): HTMLElement {
  const box = el('section', { class: 'card statistics', 'data-testid': 'statistics' });
  const head = el('div', { class: 'row-head' });
  const csv = el(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'statistics-csv' },
    ct('downloadCsv'),
  );
  const error = el('p', { class: 'error', role: 'alert' });
  csv.onclick = () => {
    csv.disabled = true;
    error.textContent = '';
    api
      .statisticsCsv()
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        const a = el('a', { href: url, download: 'statistics.csv' });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      })
      .catch((e: unknown) => {
        error.textContent = `${t('error')}${(e as Error).message}`;
      })
      .finally(() => {
        csv.disabled = false;
      });
  };
  head.append(el('h3', {}, ct('statisticsTitle')), csv);
  const body = el('div', {}, t('loading'));
  box.append(head, el('p', { class: 'muted small' }, ct('statisticsNote')), error, body);
  api
    .statistics()
    .then((s) => body.replaceChildren(...report(s)))
    .catch((e: unknown) =>
      body.replaceChildren(
        el('p', { class: 'error' }, `${t('loadFailed')}${(e as Error).message}`),
      ),
    );
  return box;
}
