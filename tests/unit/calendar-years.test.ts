/**
 * A later year's holiday schedule loaded by a clerk: the strict checks, the merge with the
 * shipped years, and what a running deadline becomes once its year is loaded.
 * The 2027 schedule is TEST DATA (tests/support/calendar2027.ts), not the official one.
 */
import { describe, expect, it } from 'vitest';
import { mergedYears } from '../../server/cases/CalendarService.js';
import {
  calendarYearInputSchema,
  toYearSchedule,
  type CalendarYearRecord,
} from '../../server/cases/calendarYears.js';
import {
  deadlineRecipients,
  recomputeDue,
  recomputedDeadline,
} from '../../server/cases/deadlineRecompute.js';
import {
  acceptanceDeadline,
  agreementDeadlines,
  mediationPeriodDeadline,
} from '../../server/cases/deadlines.js';
import { officialWorkCalendar } from '../../server/cases/holidayCalendar.js';
import type { CaseDeadline, CasePerson, MediationCase } from '../../server/cases/model.js';
import { testSchedule2027 } from '../support/calendar2027.js';

const base = testSchedule2027();
const holidays = base['holidays'] as { first: string; last: string; name: string }[];

function withHoliday(i: number, h: Partial<{ first: string; last: string; name: string }>) {
  return testSchedule2027({ holidays: holidays.map((x, j) => (j === i ? { ...x, ...h } : x)) });
}

function issues(input: unknown): string[] {
  const r = calendarYearInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('a clerk’s schedule is checked strictly', () => {
  it('accepts the (test) 2027 schedule as given', () => {
    expect(issues(base)).toEqual([]);
  });

  const refused: [string, unknown, string, RegExp][] = [
    ['an impossible date', withHoliday(0, { last: '2027-02-30' }), 'holidays.0.last', /valid date/],
    [
      'a range ending before it starts',
      withHoliday(1, { first: '2027-02-12', last: '2027-02-06' }),
      'holidays.1',
      /ends before it starts/,
    ],
    [
      'a holiday in another year',
      withHoliday(6, { first: '2028-01-01', last: '2028-01-01' }),
      'holidays.6',
      /outside 2027/,
    ],
    [
      'a holiday well before the year',
      withHoliday(0, { first: '2026-12-20' }),
      'holidays.0',
      /outside 2027/,
    ],
    ['overlapping ranges', withHoliday(1, { first: '2027-01-03' }), 'holidays.1', /overlaps/],
    [
      'ranges out of order',
      testSchedule2027({ holidays: [holidays[1], holidays[0]] }),
      'holidays.1',
      /out of order/,
    ],
    [
      'an empty holiday name',
      withHoliday(2, { name: '   ' }),
      'holidays.2.name',
      /must not be empty/,
    ],
    ['no holidays at all', testSchedule2027({ holidays: [] }), 'holidays', /at least 1/],
    [
      'a make-up day on a weekday',
      testSchedule2027({ workdays: ['2027-02-22'] }),
      'workdays.0',
      /not a Saturday or Sunday/,
    ],
    [
      'a make-up day inside a holiday',
      testSchedule2027({ workdays: ['2027-10-02'] }),
      'workdays.0',
      /inside the holiday/,
    ],
    [
      'a make-up day in another year',
      testSchedule2027({ workdays: ['2028-01-08'] }),
      'workdays.0',
      /outside 2027/,
    ],
    [
      'a make-up day twice',
      testSchedule2027({ workdays: ['2027-02-20', '2027-02-20'] }),
      'workdays.1',
      /listed twice/,
    ],
    [
      'a source without a title',
      testSchedule2027({ source: { title: '', publishedOn: '2026-11-10' } }),
      'source.title',
      /must not be empty/,
    ],
    [
      'a source without a publication date',
      testSchedule2027({ source: { title: '通知' } }),
      'source.publishedOn',
      /Required/,
    ],
    [
      'a source URL that is not one',
      testSchedule2027({ source: { title: '通知', url: 'gov.cn/x', publishedOn: '2026-11-10' } }),
      'source.url',
      /not a valid URL/,
    ],
    [
      'a notice published after the year',
      testSchedule2027({ source: { title: '通知', publishedOn: '2028-01-02' } }),
      'source.publishedOn',
      /after the end of 2027/,
    ],
    [
      'a correction without a reason',
      testSchedule2027({ correction: { reason: '' } }),
      'correction.reason',
      /must not be empty/,
    ],
    ['an unknown field', testSchedule2027({ holidayz: [] }), '', /Unrecognized key/],
  ];
  it.each(refused)('refuses %s, naming the entry', (_what, input, path, message) => {
    const found = issues(input);
    expect(
      found.some((i) => i.startsWith(`${path}: `) && message.test(i)),
      found.join('\n'),
    ).toBe(true);
  });
});

const record2027: CalendarYearRecord = {
  year: 2027,
  schedule: calendarYearInputSchema.parse(base),
  addedBy: 'clerk-1',
  addedAt: '2026-11-12T02:00:00.000Z',
  correctionReason: null,
};

describe('an added year merges with the shipped ones', () => {
  const merged = officialWorkCalendar({ years: [toYearSchedule(record2027.schedule)] });

  it('loads 2027 beside the shipped 2025 and 2026', () => {
    expect([2025, 2026, 2027].map((y) => merged.hasSchedule(y))).toEqual([true, true, true]);
    expect(officialWorkCalendar().hasSchedule(2027)).toBe(false);
    // The shipped years are untouched: 2026-10-01 is still the National Day holiday.
    expect(merged.isWorkingDay('2026-10-01')).toBe(false);
    expect(merged.isWorkingDay('2026-10-10')).toBe(true); // 2026 make-up Saturday
    // The added year's holidays rest, its make-up Saturday works.
    expect(merged.isWorkingDay('2027-01-01')).toBe(false);
    expect(merged.isWorkingDay('2027-10-05')).toBe(false);
    expect(merged.isWorkingDay('2027-02-20')).toBe(true);
  });

  it('lists shipped and added years with their origin and source', () => {
    const years = mergedYears([record2027]);
    expect(years.map((y) => [y.year, y.origin])).toEqual([
      [2025, 'shipped'],
      [2026, 'shipped'],
      [2027, 'added'],
    ]);
    expect(years[2]!.source).toContain('TEST-2027-1');
    expect(years[2]!.source).toContain('2026-11-10');
  });

  it('a correction of a shipped year replaces it', () => {
    const corrected: CalendarYearRecord = {
      year: 2026,
      schedule: calendarYearInputSchema.parse({
        ...base,
        year: 2026,
        holidays: [{ first: '2026-01-01', last: '2026-01-03', name: '元旦' }],
        workdays: [],
      }),
      addedBy: 'clerk-1',
      addedAt: '2026-11-12T02:00:00.000Z',
      correctionReason: '测试：更正',
    };
    expect(mergedYears([corrected]).find((y) => y.year === 2026)?.origin).toBe('corrected');
    const cal = officialWorkCalendar({ years: [toYearSchedule(corrected.schedule)] });
    expect(cal.isWorkingDay('2026-10-01')).toBe(true);
    expect(cal.isWorkingDay('2026-01-02')).toBe(false);
  });
});

describe('a running deadline across a newly loaded year', () => {
  const before = officialWorkCalendar();
  const after = officialWorkCalendar({ years: [toYearSchedule(record2027.schedule)] });
  const c = {
    id: 'case-1',
    receivedOn: '2026-12-29',
    outcome: null,
  } as unknown as MediationCase;
  const stored = (
    kind: CaseDeadline['kind'],
    spec: Pick<CaseDeadline, 'dueOn' | 'provisional' | 'missingCalendarYears'>,
  ): CaseDeadline => ({
    id: `d-${kind}`,
    caseId: c.id,
    kind,
    basis: '',
    consequence: '',
    status: 'open',
    createdAt: '2026-12-29T01:00:00.000Z',
    resolvedAt: null,
    ...spec,
  });

  it('the acceptance decision: provisional 2027-01-01 becomes final 2027-01-04 (after 元旦)', () => {
    const d = stored('acceptance_decision', acceptanceDeadline('2026-12-29', before));
    expect(d).toMatchObject({
      dueOn: '2027-01-01',
      provisional: true,
      missingCalendarYears: [2027],
    });
    const next = recomputedDeadline(d, recomputeDue(d, c, [d], after), '2026-12-30');
    expect(next).toEqual({
      dueOn: '2027-01-04',
      provisional: false,
      missingCalendarYears: [],
      status: 'open',
    });
  });

  it('the mediation period keeps its date and becomes final', () => {
    const d = stored('mediation_period', mediationPeriodDeadline('2026-12-29', before));
    expect(d).toMatchObject({ dueOn: '2027-01-13', provisional: true });
    expect(recomputedDeadline(d, recomputeDue(d, c, [d], after), '2026-12-30')).toMatchObject({
      dueOn: '2027-01-13',
      provisional: false,
    });
  });

  it('a row stored as final before provisional deadlines existed is put right too', () => {
    const d = stored('acceptance_decision', {
      dueOn: '2027-01-01',
      provisional: false,
      missingCalendarYears: [],
    });
    expect(recomputedDeadline(d, recomputeDue(d, c, [d], after), '2026-12-30')?.dueOn).toBe(
      '2027-01-04',
    );
  });

  it('the confirmation windows from an agreement effective on 2027-09-20 skip 国庆 (test data)', () => {
    const settled = {
      ...c,
      outcome: { kind: 'agreement', effectiveAt: '2027-09-20T02:00:00.000Z' },
    } as unknown as MediationCase;
    const [judicial, review] = agreementDeadlines('2027-09-20', before);
    const dj = stored('judicial_confirmation', judicial!);
    const dr = stored('arbitration_review', review!);
    // Weekends only: 10-20 and 10-05; with the (test) National Day holiday 10-05 moves to 10-08.
    expect([dj.dueOn, dr.dueOn, dj.provisional]).toEqual(['2027-10-20', '2027-10-05', true]);
    expect(recomputeDue(dj, settled, [dj, dr], after)).toEqual({
      dueOn: '2027-10-20',
      provisional: false,
      missingCalendarYears: [],
    });
    expect(recomputeDue(dr, settled, [dj, dr], after)?.dueOn).toBe('2027-10-08');
  });

  it('an overdue deadline whose new last day has not passed runs again', () => {
    const d = {
      ...stored('acceptance_decision', acceptanceDeadline('2026-12-29', before)),
      status: 'overdue' as const,
    };
    expect(recomputedDeadline(d, recomputeDue(d, c, [d], after), '2027-01-02')?.status).toBe(
      'open',
    );
    expect(recomputedDeadline(d, recomputeDue(d, c, [d], after), '2027-01-05')?.status).toBe(
      'overdue',
    );
  });

  it('leaves agreed dates alone and reports nothing for an unchanged deadline', () => {
    const first = stored('mediation_period', mediationPeriodDeadline('2026-12-29', before));
    const extended = {
      ...stored('mediation_period', {
        dueOn: '2027-02-08',
        provisional: false,
        missingCalendarYears: [],
      }),
      id: 'd-extended',
      createdAt: '2027-01-10T01:00:00.000Z',
    };
    expect(recomputeDue(extended, c, [first, extended], after)).toBeUndefined();
    const performance = stored('performance', {
      dueOn: '2027-10-02',
      provisional: false,
      missingCalendarYears: [],
    });
    expect(recomputeDue(performance, c, [performance], after)).toBeUndefined();
    const march = { ...c, receivedOn: '2026-03-02' } as MediationCase;
    const settledInMarch = stored('acceptance_decision', acceptanceDeadline('2026-03-02', after));
    expect(
      recomputedDeadline(
        settledInMarch,
        recomputeDue(settledInMarch, march, [settledInMarch], after),
        '2026-03-03',
      ),
    ).toBeUndefined();
  });

  it('the acceptance decision concerns the applicant side; the other periods both sides', () => {
    const person = (id: string, kind: CasePerson['kind'], representsId: string | null = null) =>
      ({ id, kind, representsId }) as CasePerson;
    const people = [
      person('w', 'applicant'),
      person('e', 'respondent'),
      person('l', 'agent', 'w'),
      person('o', 'observer'),
    ];
    const ids = (kind: CaseDeadline['kind']) =>
      deadlineRecipients(
        stored(kind, { dueOn: '2027-01-04', provisional: false, missingCalendarYears: [] }),
        people,
      ).map((p) => p.id);
    expect(ids('acceptance_decision')).toEqual(['w', 'l']);
    expect(ids('mediation_period')).toEqual(['w', 'e', 'l']);
  });
});
