/**
 * A year's State Council holiday schedule as a clerk loads it (console, API or CLI): holiday
 * ranges with their names, make-up working days (调休上班) and the notice it comes from. Checked
 * strictly here, so a typo cannot silently move every deadline of the year.
 */
import type { z } from 'zod';
import {
  daysBetween,
  isWeekend,
  parseIsoDate,
  type IsoDate,
  type YearSchedule,
} from './deadlines.js';
import { inNoticeYear } from './holidayCalendar.js';
import {
  calendarHolidaySchema,
  calendarSourceSchema,
  calendarYearObject,
} from '../../signaling/http/calendar.js';

export { calendarHolidaySchema, calendarSourceSchema };

function validDate(value: string): boolean {
  try {
    return parseIsoDate(value) === value;
  } catch {
    return false;
  }
}

type CalendarYearObject = z.output<typeof calendarYearObject>;

/** Every rule a schedule must meet; each failure names the entry and says why. */
function checkSchedule(y: CalendarYearObject, ctx: z.RefinementCtx): void {
  const dates = [...y.holidays.flatMap((h) => [h.first, h.last]), ...y.workdays];
  // The invalid date is reported already; the rules below need real dates.
  if (!dates.every(validDate)) return;
  const issue = (path: (string | number)[], message: string): void =>
    ctx.addIssue({ code: 'custom', path, message });
  const year = y.year;
  y.holidays.forEach((h, i) => {
    if (daysBetween(h.first, h.last) < 0)
      issue(['holidays', i], `${h.name}：结束日早于开始日 / ${h.name}: ends before it starts`);
    if (!inNoticeYear(h.first, year) || !inNoticeYear(h.last, year))
      issue(['holidays', i], `${h.name}：不在 ${year} 年内 / ${h.name}: outside ${year}`);
    const previous = y.holidays[i - 1];
    if (previous && daysBetween(previous.last, h.first) <= 0)
      issue(
        ['holidays', i],
        `${h.name}：与前一假期重叠或未按时间顺序排列 / ${h.name}: overlaps the holiday before it or is out of order`,
      );
  });
  y.workdays.forEach((d, i) => {
    if (!isWeekend(d))
      issue(['workdays', i], `${d} 不是周六或周日 / ${d} is not a Saturday or Sunday`);
    if (!inNoticeYear(d, year))
      issue(['workdays', i], `${d} 不在 ${year} 年内 / ${d} is outside ${year}`);
    if (y.workdays.indexOf(d) !== i) issue(['workdays', i], `${d} 重复列出 / ${d} is listed twice`);
    for (const h of y.holidays)
      if (daysBetween(h.first, d) >= 0 && daysBetween(d, h.last) >= 0)
        issue(['workdays', i], `${d} 在${h.name}假期内 / ${d} is inside the holiday ${h.name}`);
  });
  if (daysBetween(y.source.publishedOn, `${year}-12-31`) < 0)
    issue(
      ['source', 'publishedOn'],
      `发布日期晚于 ${year} 年 / published after the end of ${year}`,
    );
}

/** One year's schedule as a clerk gives it. */
export const calendarYearInputSchema = calendarYearObject.superRefine(checkSchedule);
export type CalendarYearInput = z.output<typeof calendarYearInputSchema>;

/** A stored year: what the clerk gave (without the correction), who and when. */
export interface CalendarYearRecord {
  year: number;
  schedule: Omit<CalendarYearInput, 'correction'>;
  addedBy: string;
  addedAt: string;
  correctionReason: string | null;
}

/** The notice as one line, the way the shipped file names its sources. */
export function sourceLabel(source: CalendarYearInput['source']): string {
  const detail = [source.number, source.publishedOn].filter(Boolean).join('，');
  return `${source.title}（${detail}）${source.url ? ` ${source.url}` : ''}`;
}

export function toYearSchedule(y: Omit<CalendarYearInput, 'correction'>): YearSchedule {
  return {
    year: y.year,
    source: sourceLabel(y.source),
    holidays: y.holidays.map((h): readonly [IsoDate, IsoDate, string] => [h.first, h.last, h.name]),
    workdays: [...y.workdays],
  };
}
