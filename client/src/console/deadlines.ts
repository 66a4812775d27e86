/** When a case's deadline counts as passed (DeadlineList.vue shows them). */
import type { DeadlineView } from './api.js';

/** Today on the organisation's calendar (Asia/Shanghai, no daylight saving). */
export function shanghaiToday(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Passed: the scheduler marked it, or its last day is behind us and the scheduler has not run yet. */
export function isOverdue(d: DeadlineView, today = shanghaiToday()): boolean {
  return d.status === 'overdue' || (d.status === 'open' && d.dueOn < today);
}
