import { describe, expect, it } from 'vitest';
import {
  acceptanceDeadline,
  addDays,
  addMonths,
  addWorkingDays,
  agreementDeadlines,
  createWorkCalendar,
  daysBetween,
  isOverdue,
  mediationPeriodDeadline,
  paymentOrderEligible,
  parseIsoDate,
  performanceDeadline,
  periodEnd,
  shanghaiDate,
} from '../../server/cases/deadlines.js';
import { CLAIM_TYPES, PAYMENT_ORDER_CLAIMS } from '../../server/cases/model.js';

// 2026 National Day: 10-01…10-07 off; Sunday 09-20 and Saturday 10-10 are worked (调休).
const NATIONAL_DAY_2026 = [
  '2026-10-01',
  '2026-10-02',
  '2026-10-03',
  '2026-10-04',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07',
];
const weekendsOnly = createWorkCalendar();
const calendar2026 = createWorkCalendar({
  holidays: NATIONAL_DAY_2026,
  extraWorkdays: ['2026-09-20', '2026-10-10'],
});

describe('parseIsoDate', () => {
  it('accepts real calendar dates, including leap days', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2000-02-29')).toBe('2000-02-29');
    expect(parseIsoDate('2026-12-31')).toBe('2026-12-31');
  });

  it('rejects dates that do not exist or are not strictly YYYY-MM-DD', () => {
    for (const bad of [
      '2023-02-29',
      '2100-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-00',
      '2024-1-1',
      '24-01-01',
      '2024/01/01',
      '2024-01-01T00:00:00Z',
      ' 2024-01-01',
      '0000-01-01',
      '',
    ]) {
      expect(() => parseIsoDate(bad), bad).toThrow(RangeError);
    }
    expect(() => parseIsoDate('2023-02-29')).toThrow(/2023-02-29.*day must be 01-28/);
    expect(() => parseIsoDate('2024-13-01')).toThrow(/month must be 01-12/);
    expect(() => parseIsoDate('2024-1-1')).toThrow(/expected YYYY-MM-DD/);
  });
});

describe('addDays and daysBetween', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-03-02', 0)).toBe('2026-03-02');
  });

  it('counts signed day differences', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2026-03-17', '2026-03-02')).toBe(-15);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2026-05-05', '2026-05-05')).toBe(0);
  });

  it('rejects non-integer day counts', () => {
    expect(() => addDays('2026-01-01', 1.5)).toThrow(RangeError);
    expect(() => addDays('2026-01-01', Number.NaN)).toThrow(RangeError);
  });
});

describe('addMonths', () => {
  it('lands on the last day of February when the start day does not exist there', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2100-01-31', 1)).toBe('2100-02-28');
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29');
  });

  it('maps Feb 29 to Feb 28 in a common year and keeps it in a leap year', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('keeps the corresponding day and handles year rollover and negative months', () => {
    expect(addMonths('2026-03-15', 1)).toBe('2026-04-15');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
  });
});

describe('createWorkCalendar', () => {
  it('treats weekends as rest days and weekdays as working days by default', () => {
    expect(weekendsOnly.isWorkingDay('2026-03-06')).toBe(true); // Friday
    expect(weekendsOnly.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(weekendsOnly.isWorkingDay('2026-03-08')).toBe(false); // Sunday
  });

  it('applies listed holidays and extra workdays', () => {
    expect(calendar2026.isWorkingDay('2026-10-01')).toBe(false); // Thursday, holiday
    expect(calendar2026.isWorkingDay('2026-10-08')).toBe(true);
    expect(calendar2026.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休
    expect(calendar2026.isWorkingDay('2026-09-20')).toBe(true); // Sunday, 调休
    expect(calendar2026.isWorkingDay('2026-10-11')).toBe(false); // ordinary Sunday
  });

  it('rejects invalid or contradictory configuration', () => {
    expect(() => createWorkCalendar({ holidays: ['2026-02-30'] })).toThrow(RangeError);
    expect(() =>
      createWorkCalendar({ holidays: ['2026-10-10'], extraWorkdays: ['2026-10-10'] }),
    ).toThrow(/both/);
  });
});

describe('addWorkingDays', () => {
  it('skips the weekend and does not count the start day', () => {
    expect(addWorkingDays('2026-03-06', 3, weekendsOnly)).toBe('2026-03-11'); // Fri → Wed
    expect(addWorkingDays('2026-03-07', 1, weekendsOnly)).toBe('2026-03-09'); // Sat → Mon
    expect(addWorkingDays('2026-03-02', 0, weekendsOnly)).toBe('2026-03-02');
  });

  it('skips holidays and counts an extra-workday Saturday', () => {
    // Wed 09-30 → Thu 10-08, Fri 10-09, Sat 10-10 (调休).
    expect(addWorkingDays('2026-09-30', 3, calendar2026)).toBe('2026-10-10');
  });

  it('rejects negative counts and a calendar without working days', () => {
    expect(() => addWorkingDays('2026-03-02', -1, weekendsOnly)).toThrow(RangeError);
    expect(() =>
      addWorkingDays('2026-03-02', 1, { isWorkingDay: () => false, hasSchedule: () => true }),
    ).toThrow(/No working day/);
  });
});

describe('periodEnd', () => {
  it('does not count the start day', () => {
    expect(periodEnd('2026-03-02', { days: 15 }, weekendsOnly)).toBe('2026-03-17');
  });

  it('rolls a period ending on a Saturday or Sunday to Monday', () => {
    expect(periodEnd('2026-03-06', { days: 15 }, weekendsOnly)).toBe('2026-03-23'); // Sat 03-21
    expect(periodEnd('2026-03-07', { days: 15 }, weekendsOnly)).toBe('2026-03-23'); // Sun 03-22
  });

  it('rolls past a listed holiday and stops on an extra-workday Saturday', () => {
    expect(periodEnd('2026-09-18', { days: 15 }, calendar2026)).toBe('2026-10-08'); // Sat 10-03
    expect(periodEnd('2026-09-25', { days: 15 }, calendar2026)).toBe('2026-10-10');
    expect(periodEnd('2026-09-25', { days: 15 }, weekendsOnly)).toBe('2026-10-12');
  });

  it('ends a month period on the corresponding day, rolled past rest days', () => {
    expect(periodEnd('2024-01-31', { months: 1 }, weekendsOnly)).toBe('2024-02-29'); // Thursday
    expect(periodEnd('2026-01-31', { months: 1 }, weekendsOnly)).toBe('2026-03-02'); // Sat 02-28
  });
});

describe('shanghaiDate', () => {
  it('uses UTC+8 regardless of the host time zone', () => {
    const previous = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        expect(shanghaiDate(new Date('2026-03-01T16:30:00Z')), tz).toBe('2026-03-02');
        expect(shanghaiDate(new Date('2026-03-01T15:59:59Z')), tz).toBe('2026-03-01');
        expect(shanghaiDate(new Date('2026-03-01T16:00:00Z')), tz).toBe('2026-03-02');
      }
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('rejects an invalid instant', () => {
    expect(() => shanghaiDate(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('isOverdue', () => {
  it('is false on the due day and true from the day after', () => {
    expect(isOverdue('2026-03-17', '2026-03-16')).toBe(false);
    expect(isOverdue('2026-03-17', '2026-03-17')).toBe(false);
    expect(isOverdue('2026-03-17', '2026-03-18')).toBe(true);
    expect(isOverdue('2026-12-31', '2027-01-01')).toBe(true);
  });
});

describe('deadline specs', () => {
  it('gives 3 working days to decide on acceptance', () => {
    const spec = acceptanceDeadline('2026-03-06', weekendsOnly);
    expect(spec.kind).toBe('acceptance_decision');
    expect(spec.dueOn).toBe('2026-03-11');
    expect(spec.basis).toContain('《企业劳动争议协商调解规定》第二十条');
    expect(spec.basis).toContain('3个工作日内受理');
    expect(spec.consequence).toContain('不予受理');
  });

  it('ends the mediation period 15 days after receipt', () => {
    const spec = mediationPeriodDeadline('2026-03-02', weekendsOnly);
    expect(spec.kind).toBe('mediation_period');
    expect(spec.dueOn).toBe('2026-03-17');
    expect(spec.basis).toContain('《中华人民共和国劳动争议调解仲裁法》第十四条第三款');
    expect(spec.consequence).toContain('申请劳动争议仲裁');
    expect(spec.consequence).toContain('经双方当事人同意');
    expect(mediationPeriodDeadline('2026-09-18', calendar2026).dueOn).toBe('2026-10-08');
  });

  it('opens the judicial confirmation and arbitration review windows from the effective date', () => {
    const [confirmation, review, ...rest] = agreementDeadlines('2026-03-02', weekendsOnly);
    expect(rest).toHaveLength(0);
    expect(confirmation?.kind).toBe('judicial_confirmation');
    expect(confirmation?.dueOn).toBe('2026-04-01'); // Wednesday
    expect(confirmation?.basis).toContain('《中华人民共和国民事诉讼法》第二百零五条');
    expect(confirmation?.consequence).toContain('司法确认');
    expect(review?.kind).toBe('arbitration_review');
    expect(review?.dueOn).toBe('2026-03-17');
    expect(review?.basis).toContain('《劳动人事争议仲裁办案规则》第七十四条');
    expect(review?.consequence).toContain('仲裁审查');
    // 30 days from 2026-09-01 is Saturday 10-01 in a holiday week → Thursday 10-08.
    expect(agreementDeadlines('2026-09-01', calendar2026)[0]?.dueOn).toBe('2026-10-08');
  });

  it('mentions a payment order only for wage, injury-cost, compensation or damages claims', () => {
    const eligible = performanceDeadline('2026-03-07', ['other', 'wages']);
    expect(eligible.kind).toBe('performance');
    expect(eligible.dueOn).toBe('2026-03-07'); // a Saturday: the agreed date is not shifted
    expect(eligible.consequence).toContain('申请劳动争议仲裁');
    expect(eligible.consequence).toContain('支付令');
    expect(eligible.basis).toContain('第十六条');

    const ineligible = performanceDeadline('2026-03-07', ['other']);
    expect(ineligible.consequence).toContain('申请劳动争议仲裁');
    expect(ineligible.consequence).not.toContain('支付令');
    expect(ineligible.basis).not.toContain('支付令');
    expect(ineligible.basis).toContain('第十五条');

    expect(performanceDeadline('2026-03-07', []).consequence).not.toContain('支付令');
    expect(() => performanceDeadline('2026-02-30', ['wages'])).toThrow(RangeError);
  });

  it('agrees with PAYMENT_ORDER_CLAIMS on eligibility', () => {
    for (const type of CLAIM_TYPES) {
      expect(paymentOrderEligible([type]), type).toBe(PAYMENT_ORDER_CLAIMS.includes(type));
    }
    expect(paymentOrderEligible([])).toBe(false);
  });
});
