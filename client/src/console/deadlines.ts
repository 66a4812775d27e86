/** A case's open deadlines as the case list shows them: soonest first, passed ones marked. */
import { el } from '../dom.js';
import { deadlineLabel } from '../i18n.js';
import type { DeadlineView } from './api.js';
import { ct } from './i18n.js';

/** Today on the organisation's calendar (Asia/Shanghai, no daylight saving). */
export function shanghaiToday(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Passed: the scheduler marked it, or its last day is behind us and the scheduler has not run yet. */
export function isOverdue(d: DeadlineView, today = shanghaiToday()): boolean {
  return d.status === 'overdue' || (d.status === 'open' && d.dueOn < today);
}

export function deadlineList(deadlines: readonly DeadlineView[]): HTMLElement {
  const open = deadlines
    .filter((d) => d.status === 'open' || d.status === 'overdue')
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  if (open.length === 0) return el('span', { class: 'muted small' }, ct('deadlinesNone'));
  const today = shanghaiToday();
  const list = el('ul', { class: 'deadlines', 'data-testid': 'deadlines' });
  for (const [i, d] of open.entries()) {
    const overdue = isOverdue(d, today);
    const li = el('li', {
      class: overdue ? 'overdue' : i === 0 ? 'next' : '',
      'data-testid': 'deadline',
      'data-kind': d.kind,
      'data-overdue': String(overdue),
      title: d.basis,
    });
    li.append(
      el('span', { class: 'deadline-kind' }, deadlineLabel(d.kind)),
      el('time', { datetime: d.dueOn }, d.dueOn),
    );
    if (d.provisional)
      li.append(
        el(
          'span',
          {
            class: 'chip provisional',
            'data-testid': 'deadline-provisional',
            title: `${ct('deadlineProvisionalHint')}${(d.missingCalendarYears ?? []).join(', ')}`,
          },
          ct('deadlineProvisional'),
        ),
      );
    if (overdue) li.append(el('span', { class: 'chip overdue' }, ct('deadlineOverdue')));
    list.append(li);
  }
  return list;
}
