/**
 * The periods of statistics reports (server/reports/reportContent.ts): a month's and a
 * quarter's first and last day (leap February, December), their Chinese labels, and the month
 * and quarter that ended last before a day, across the turn of a year.
 */
import { describe, expect, it } from 'vitest';
import { lastEndedPeriods, parsePeriod } from '../../server/reports/reportContent.js';

describe('report periods', () => {
  it.each([
    ['2028-02', 'month', '2028-02-01', '2028-02-29', '2028年2月'],
    ['2026-12', 'month', '2026-12-01', '2026-12-31', '2026年12月'],
    ['2026-Q1', 'quarter', '2026-01-01', '2026-03-31', '2026年第一季度'],
    ['2026-Q4', 'quarter', '2026-10-01', '2026-12-31', '2026年第四季度'],
  ])('%s', (period, kind, from, to, label) => {
    expect(parsePeriod(period)).toEqual({ kind, period, from, to, label });
  });

  it('names nothing for a malformed period', () => {
    for (const p of ['2026-13', '2026-00', '2026-Q0', '2026-Q5', '2026', '2026-1'])
      expect(parsePeriod(p), p).toBeUndefined();
  });

  it.each([
    ['2026-12-06', '2026-11', '2026-Q3'],
    ['2026-01-01', '2025-12', '2025-Q4'],
    ['2026-04-01', '2026-03', '2026-Q1'],
    ['2026-03-31', '2026-02', '2025-Q4'],
  ])('on %s the last ended month is %s and quarter %s', (today, month, quarter) => {
    expect(lastEndedPeriods(today)).toEqual([month, quarter]);
  });
});
