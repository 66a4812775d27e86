/** A ledger entry's figures as the console writes them: label and value, in the reader's language. */
import { deadlineLabel } from '../shared/i18n.js';
import type { RiskEntryView } from './apiTypes.js';
import { ct, type ConsoleKey } from './i18n.js';

const FIGURES: Record<string, ConsoleKey> = {
  workers: 'riskFigWorkers',
  threshold: 'riskFigThreshold',
  amountClaimed: 'riskFigAmountClaimed',
  openCases: 'riskFigOpenCases',
  deadline: 'riskFigDeadline',
  dueOn: 'riskFigDueOn',
  daysOverdue: 'riskFigDaysOverdue',
  notPerformed: 'riskFigNotPerformed',
  partlyPerformed: 'riskFigPartlyPerformed',
  cancelled: 'riskFigCancelled',
  missed: 'riskFigMissed',
};

export function riskFigures(e: Pick<RiskEntryView, 'figures'>): { label: string; value: string }[] {
  return Object.entries(e.figures).map(([key, value]) => {
    const k = FIGURES[key];
    const shown =
      key === 'deadline'
        ? deadlineLabel(String(value) as Parameters<typeof deadlineLabel>[0])
        : typeof value === 'number'
          ? value.toLocaleString('zh-CN')
          : value;
    return { label: k ? ct(k) : key, value: shown };
  });
}
