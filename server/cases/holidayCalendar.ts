/**
 * The official working-day calendar: the State Council's yearly holiday schedules shipped in
 * holidays/cn-public-holidays.json (embedded as holidays/cnPublicHolidays.ts), validated at load.
 * Operators' WORK_CALENDAR_* dates are added on top and win where they disagree.
 */
import { z } from 'zod';
import { CN_PUBLIC_HOLIDAYS } from './holidays/cnPublicHolidays.js';
import {
  createWorkCalendar,
  daysBetween,
  isWeekend,
  parseIsoDate,
  type IsoDate,
  type WorkCalendar,
  type YearSchedule,
} from './deadlines.js';

function validDate(value: string): boolean {
  try {
    return parseIsoDate(value) === value;
  } catch {
    return false;
  }
}

const isoDate = z.string().refine(validDate, { message: 'expected a valid date YYYY-MM-DD' });

/** A date belongs to year Y's notice when it is in Y or in the last week of December of Y-1. */
export function inNoticeYear(date: IsoDate, year: number): boolean {
  return (
    daysBetween(`${String(year - 1).padStart(4, '0')}-12-25`, date) >= 0 &&
    daysBetween(date, `${String(year).padStart(4, '0')}-12-31`) >= 0
  );
}

const yearScheduleSchema = z.object({
  source: z.string().min(1),
  holidays: z.array(z.tuple([isoDate, isoDate, z.string().min(1)])).min(1),
  workdays: z.array(isoDate),
});

type Report = (path: (string | number)[], message: string) => void;

function checkYear(year: number, y: z.infer<typeof yearScheduleSchema>, report: Report): void {
  // zod still runs refinements after a field failed: the invalid date is reported already.
  const dates = [...y.holidays.flatMap(([a, b]) => [a, b]), ...y.workdays];
  if (!dates.every(validDate)) return;
  y.holidays.forEach(([first, last, name], i) => {
    if (daysBetween(first, last) < 0) report(['holidays', i], `${name}: ends before it starts`);
    if (!inNoticeYear(first, year) || !inNoticeYear(last, year))
      report(['holidays', i], `${name}: outside ${year}`);
  });
  y.workdays.forEach((d, i) => {
    if (!isWeekend(d)) report(['workdays', i], `${d} is not a weekend day`);
    if (!inNoticeYear(d, year)) report(['workdays', i], `${d} is outside ${year}`);
    for (const [first, last] of y.holidays)
      if (daysBetween(first, d) >= 0 && daysBetween(d, last) >= 0)
        report(['workdays', i], `${d} is also a holiday`);
  });
}

/** One year's schedule as a clerk or the shipped file gives it. */
export const yearScheduleInputSchema = z
  .object({ year: z.number().int().min(2000).max(9999) })
  .merge(yearScheduleSchema)
  .superRefine((y, ctx) =>
    checkYear(y.year, y, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

export const holidayFileSchema = z
  .object({
    about: z.string(),
    years: z.record(z.string().regex(/^\d{4}$/), yearScheduleSchema),
  })
  .superRefine((file, ctx) => {
    for (const [year, y] of Object.entries(file.years))
      checkYear(Number(year), y, (path, message) =>
        ctx.addIssue({ code: 'custom', path: ['years', year, ...path], message }),
      );
  });

/** Parses and checks a holiday file; throws a ZodError naming the bad entry. */
export function parseHolidayFile(data: unknown): YearSchedule[] {
  const file = holidayFileSchema.parse(data);
  return Object.entries(file.years)
    .map(([year, y]) => ({ year: Number(year), ...y }))
    .sort((a, b) => a.year - b.year);
}

/** The schedules shipped with the project (2025 and 2026 at the time of writing). */
export function officialSchedules(): YearSchedule[] {
  return parseHolidayFile(CN_PUBLIC_HOLIDAYS);
}

/** The default calendar: the shipped schedules, plus any operator additions and overrides. */
export function officialWorkCalendar(
  overrides: { holidays?: IsoDate[]; extraWorkdays?: IsoDate[]; years?: YearSchedule[] } = {},
): WorkCalendar {
  const byYear = new Map(officialSchedules().map((y) => [y.year, y]));
  for (const y of overrides.years ?? []) byYear.set(y.year, y);
  return createWorkCalendar({
    years: [...byYear.values()],
    holidays: overrides.holidays ?? [],
    extraWorkdays: overrides.extraWorkdays ?? [],
  });
}
