/**
 * The shipped State Council schedules (2025, 2026) as the default working-day calendar, and
 * deadlines computed across a year without a schedule marked provisional (issue 15, finding 1).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CN_PUBLIC_HOLIDAYS } from '../../server/cases/holidays/cnPublicHolidays.js';
import {
  acceptanceDeadline,
  addDays,
  agreementDeadlines,
  createWorkCalendar,
  dateRange,
  daysBetween,
  isWeekend,
  mediationPeriodDeadline,
  missingScheduleYears,
  performanceDeadline,
  type DeadlineSpec,
  type IsoDate,
} from '../../server/cases/deadlines.js';
import {
  officialSchedules,
  officialWorkCalendar,
  parseHolidayFile,
  yearScheduleInputSchema,
} from '../../server/cases/holidayCalendar.js';

const calendar = officialWorkCalendar();

// Typed out from the two notices (国办发明电〔2024〕12号; 2026 notice of 2025-11-04), not read from the data.
const HOLIDAYS: Record<number, [IsoDate, IsoDate][]> = {
  2025: [
    ['2025-01-01', '2025-01-01'],
    ['2025-01-28', '2025-02-04'],
    ['2025-04-04', '2025-04-06'],
    ['2025-05-01', '2025-05-05'],
    ['2025-05-31', '2025-06-02'],
    ['2025-10-01', '2025-10-08'],
  ],
  2026: [
    ['2026-01-01', '2026-01-03'],
    ['2026-02-15', '2026-02-23'],
    ['2026-04-04', '2026-04-06'],
    ['2026-05-01', '2026-05-05'],
    ['2026-06-19', '2026-06-21'],
    ['2026-09-25', '2026-09-27'],
    ['2026-10-01', '2026-10-07'],
  ],
};
const MAKE_UP_WORKDAYS: Record<number, IsoDate[]> = {
  2025: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  2026: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

describe('the shipped calendar', () => {
  it('embeds exactly the reviewed JSON file (regenerate with scripts/gen-public-holidays.mjs)', () => {
    const json: unknown = JSON.parse(
      readFileSync(
        new URL('../../server/cases/holidays/cn-public-holidays.json', import.meta.url),
        'utf8',
      ),
    );
    expect(CN_PUBLIC_HOLIDAYS).toEqual(json);
    expect(officialSchedules().map((y) => y.year)).toEqual([2025, 2026]);
    for (const y of officialSchedules()) expect(y.source).toMatch(/国务院办公厅/);
  });

  for (const year of [2025, 2026]) {
    const holidays = new Set(HOLIDAYS[year]!.flatMap(([a, b]) => dateRange(a, b)));
    const workdays = new Set(MAKE_UP_WORKDAYS[year]);
    it(`classifies every day of ${year}: holidays rest, make-up days work, else Mon–Fri`, () => {
      expect(calendar.hasSchedule(year)).toBe(true);
      const wrong: string[] = [];
      for (const d of dateRange(`${year}-01-01`, `${year}-12-31`)) {
        const expected = workdays.has(d) ? true : holidays.has(d) ? false : !isWeekend(d);
        if (calendar.isWorkingDay(d) !== expected) wrong.push(`${d} should be ${expected}`);
      }
      expect(wrong).toEqual([]);
      // the table is not vacuous: every make-up day is a weekend day, every holiday a rest day
      for (const d of workdays) expect(isWeekend(d)).toBe(true);
      for (const d of holidays) expect(calendar.isWorkingDay(d)).toBe(false);
    });
  }

  it('is the default calendar, with operator env dates as additions and overrides', () => {
    // WORK_CALENDAR_HOLIDAYS adds a local rest day; WORK_CALENDAR_EXTRA_WORKDAYS overrides one.
    const operated = officialWorkCalendar({
      holidays: ['2026-03-10'],
      extraWorkdays: ['2026-10-03'],
    });
    expect(operated.isWorkingDay('2026-03-10')).toBe(false);
    expect(operated.isWorkingDay('2026-10-03')).toBe(true);
    expect(operated.isWorkingDay('2026-10-02')).toBe(false); // official schedule still applies
    expect(operated.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('refuses a malformed schedule at load, naming the entry', () => {
    const good = {
      year: 2027,
      source: '国务院办公厅关于2027年部分节假日安排的通知',
      holidays: [['2027-10-01', '2027-10-07', '国庆节']],
      workdays: ['2027-09-26'],
    };
    expect(yearScheduleInputSchema.safeParse(good).success).toBe(true);
    const bad = [
      { ...good, workdays: ['2027-09-27'] }, // a Monday
      { ...good, workdays: ['2027-10-02'] }, // a Saturday inside the holiday
      { ...good, holidays: [['2027-10-07', '2027-10-01', '国庆节']] },
      { ...good, holidays: [['2028-01-01', '2028-01-01', '元旦']] },
      { ...good, holidays: [['2027-02-30', '2027-03-01', '春节']] },
      { ...good, source: '' },
    ];
    for (const b of bad) expect(yearScheduleInputSchema.safeParse(b).success).toBe(false);
    expect(() =>
      parseHolidayFile({
        about: 'x',
        years: { '2027': { ...good, year: undefined, workdays: ['2027-09-27'] } },
      }),
    ).toThrow(/2027-09-27 is not a weekend day/);
  });
});

function kind(specs: DeadlineSpec[], k: DeadlineSpec['kind']): DeadlineSpec {
  const spec = specs.find((s) => s.kind === k);
  if (!spec) throw new Error(`no ${k}`);
  return spec;
}

describe('deadlines on the official calendar', () => {
  it('the issue’s examples', () => {
    // Received Tue 2025-09-30: 10-01…10-08 off, Thu 10-09, Fri 10-10, make-up Sat 10-11.
    expect(acceptanceDeadline('2025-09-30', calendar)).toMatchObject({
      dueOn: '2025-10-11',
      provisional: false,
    });
    // Effective 2025-09-01: +30 = Wed 10-01, holiday until 10-08 → Thu 10-09.
    expect(kind(agreementDeadlines('2025-09-01', calendar), 'judicial_confirmation').dueOn).toBe(
      '2025-10-09',
    );
    // Effective 2025-01-09: +30 = Sat 02-08, a make-up working day: not shifted to Mon 02-10.
    expect(kind(agreementDeadlines('2025-01-09', calendar), 'judicial_confirmation').dueOn).toBe(
      '2025-02-08',
    );
    // Effective 2026-03-20: +15 = Sat 04-04, 清明 until Mon 04-06 → Tue 04-07.
    expect(kind(agreementDeadlines('2026-03-20', calendar), 'arbitration_review').dueOn).toBe(
      '2026-04-07',
    );
  });

  // Each kind across each holiday: the period's raw last day falls on the holiday's first day,
  // so the deadline is the first working day after the holiday (make-up days count).
  const rows = Object.values(HOLIDAYS).flat();
  const firstWorkingAfter = (d: IsoDate): IsoDate => {
    let x = addDays(d, 1);
    while (!calendar.isWorkingDay(x)) x = addDays(x, 1);
    return x;
  };
  for (const [first, last] of rows) {
    it(`every kind across the holiday ${first}…${last}`, () => {
      const after = firstWorkingAfter(last);
      expect(mediationPeriodDeadline(addDays(first, -15), calendar).dueOn).toBe(after);
      const confirm = agreementDeadlines(addDays(first, -30), calendar);
      expect(kind(confirm, 'judicial_confirmation').dueOn).toBe(after);
      const review = agreementDeadlines(addDays(first, -15), calendar);
      expect(kind(review, 'arbitration_review').dueOn).toBe(after);
      // Acceptance (3 working days) received the working day before the holiday: no holiday day counts.
      let received = addDays(first, -1);
      while (!calendar.isWorkingDay(received)) received = addDays(received, -1);
      const third = firstWorkingAfter(firstWorkingAfter(firstWorkingAfter(received)));
      const acceptance = acceptanceDeadline(received, calendar);
      expect(acceptance.dueOn).toBe(third);
      expect(daysBetween(last, acceptance.dueOn)).toBeGreaterThan(0);
      for (const spec of [acceptance, kind(confirm, 'judicial_confirmation')])
        expect(spec.provisional).toBe(false);
      // The agreed performance date is never shifted.
      expect(performanceDeadline(first, ['wages']).dueOn).toBe(first);
    });
  }
});

describe('a year without a loaded schedule', () => {
  it('marks the deadline provisional and names the missing year', () => {
    // 2027 is not shipped: effective 2026-12-20 → +15 = 2027-01-04.
    const specs = agreementDeadlines('2026-12-20', calendar);
    expect(kind(specs, 'arbitration_review')).toMatchObject({
      provisional: true,
      missingCalendarYears: [2027],
    });
    expect(acceptanceDeadline('2027-03-01', calendar)).toMatchObject({
      dueOn: '2027-03-04',
      provisional: true,
      missingCalendarYears: [2027],
    });
    // Late December may still be moved by next year's notice (元旦 bridges).
    expect(mediationPeriodDeadline('2026-12-14', calendar)).toMatchObject({
      dueOn: '2026-12-29',
      provisional: true,
      missingCalendarYears: [2027],
    });
    // Inside loaded years: final.
    expect(mediationPeriodDeadline('2026-11-02', calendar).provisional).toBe(false);
    // Once the year is loaded, final.
    const with2027 = officialWorkCalendar({
      years: [
        {
          year: 2027,
          source: 'test',
          holidays: [['2027-01-01', '2027-01-01', '元旦']],
          workdays: [],
        },
      ],
    });
    expect(kind(agreementDeadlines('2026-12-20', with2027), 'arbitration_review').provisional).toBe(
      false,
    );
    // With no schedule at all, everything computed is provisional.
    expect(acceptanceDeadline('2026-03-02', createWorkCalendar())).toMatchObject({
      provisional: true,
      missingCalendarYears: [2026],
    });
    // An agreed performance date involves no calendar.
    expect(performanceDeadline('2027-05-01', ['wages']).provisional).toBe(false);
  });
});

describe('the console warning for a schedule not loaded', () => {
  it('warns for the current year, and for the next one from 1 November', () => {
    const rows: [IsoDate, number[]][] = [
      ['2025-01-01', []],
      ['2026-10-31', []],
      ['2026-11-01', [2027]],
      ['2026-12-31', [2027]],
      ['2027-01-01', [2027]],
      ['2024-11-01', [2024]],
    ];
    for (const [today, missing] of rows)
      expect(missingScheduleYears(calendar, today), today).toEqual(missing);
    expect(missingScheduleYears(createWorkCalendar(), '2026-03-02')).toEqual([2026]);
  });
});
