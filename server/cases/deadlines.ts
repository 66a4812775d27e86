/**
 * Statutory and agreed deadlines of a mediation case, computed on Asia/Shanghai
 * calendar dates ('YYYY-MM-DD'). Pure functions: all arithmetic is on
 * year/month/day integers, so the host time zone never affects a result.
 */
import type { ClaimType, DeadlineKind } from './model.js';

export type IsoDate = string;

export interface WorkCalendar {
  isWorkingDay(date: IsoDate): boolean;
  /** Whether the State Council schedule of that year is loaded; without it only weekends are rest days there. */
  hasSchedule(year: number): boolean;
}

/** One year's official schedule: holiday ranges [first, last, name] and make-up working days (调休上班). */
export interface YearSchedule {
  year: number;
  source: string;
  holidays: readonly (readonly [IsoDate, IsoDate, string])[];
  workdays: readonly IsoDate[];
}

export interface DeadlineSpec {
  kind: DeadlineKind;
  dueOn: IsoDate;
  basis: string;
  consequence: string;
  /** True when the computation touched a year whose official schedule is not loaded: the date may still move. */
  provisional: boolean;
  /** The years (ascending) whose schedule was missing; empty when not provisional. */
  missingCalendarYears: number[];
}

interface Ymd {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
// A calendar with a whole year of rest days is misconfigured; stop rather than loop forever.
const MAX_CONSECUTIVE_REST_DAYS = 366;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function toYmd(value: string): Ymd {
  const match = ISO_DATE.exec(value);
  if (!match) throw new RangeError(`Invalid date "${value}": expected YYYY-MM-DD`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1) throw new RangeError(`Invalid date "${value}": year must be 0001-9999`);
  if (month < 1 || month > 12) {
    throw new RangeError(`Invalid date "${value}": month must be 01-12`);
  }
  const lastDay = daysInMonth(year, month);
  if (day < 1 || day > lastDay) {
    throw new RangeError(`Invalid date "${value}": day must be 01-${lastDay} in that month`);
  }
  return { year, month, day };
}

function formatYmd({ year, month, day }: Ymd): IsoDate {
  if (year < 1 || year > 9999) throw new RangeError(`Date out of range: year ${year}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
function toDayNumber({ year, month, day }: Ymd): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function fromDayNumber(dayNumber: number): Ymd {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function requireInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${name} must be an integer, got ${value}`);
}

function requireNonNegativeInteger(name: string, value: number): void {
  requireInteger(name, value);
  if (value < 0) throw new RangeError(`${name} must not be negative, got ${value}`);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(date: IsoDate): number {
  // 1970-01-01 (day 0) was a Thursday.
  return (((toDayNumber(toYmd(date)) + 4) % 7) + 7) % 7;
}

function firstWorkingDayFrom(date: IsoDate, calendar: WorkCalendar): IsoDate {
  let current = date;
  for (let i = 0; i <= MAX_CONSECUTIVE_REST_DAYS; i++) {
    if (calendar.isWorkingDay(current)) return current;
    current = addDays(current, 1);
  }
  throw new RangeError(`No working day within ${MAX_CONSECUTIVE_REST_DAYS} days of ${date}`);
}

export function parseIsoDate(value: string): IsoDate {
  if (typeof value !== 'string') throw new RangeError('Invalid date: expected a YYYY-MM-DD string');
  return formatYmd(toYmd(value));
}

/** Every date from `first` to `last` inclusive. */
export function dateRange(first: IsoDate, last: IsoDate): IsoDate[] {
  const dates: IsoDate[] = [];
  for (let d = parseIsoDate(first); daysBetween(d, last) >= 0; d = addDays(d, 1)) dates.push(d);
  return dates;
}

export function isWeekend(date: IsoDate): boolean {
  const dow = weekday(date);
  return dow === 0 || dow === 6;
}

/**
 * Saturdays and Sundays are rest days unless made working days (调休); holidays are rest days.
 * `years` are the official schedules; `holidays` and `extraWorkdays` are the operator's additions
 * and override the official schedules where they disagree.
 */
export function createWorkCalendar(
  options: {
    years?: readonly YearSchedule[];
    holidays?: IsoDate[];
    extraWorkdays?: IsoDate[];
  } = {},
): WorkCalendar {
  const holidays = new Set((options.holidays ?? []).map(parseIsoDate));
  const extraWorkdays = new Set((options.extraWorkdays ?? []).map(parseIsoDate));
  for (const date of extraWorkdays) {
    if (holidays.has(date)) {
      throw new RangeError(`${date} is listed both as a holiday and as an extra workday`);
    }
  }
  const loaded = new Set<number>();
  const officialHolidays = new Set<IsoDate>();
  const officialWorkdays = new Set<IsoDate>();
  for (const schedule of options.years ?? []) {
    loaded.add(schedule.year);
    for (const [first, last] of schedule.holidays)
      for (const d of dateRange(first, last)) officialHolidays.add(d);
    for (const d of schedule.workdays) officialWorkdays.add(parseIsoDate(d));
  }
  return {
    isWorkingDay(date: IsoDate): boolean {
      const day = parseIsoDate(date);
      if (extraWorkdays.has(day)) return true;
      if (holidays.has(day)) return false;
      if (officialWorkdays.has(day)) return true;
      if (officialHolidays.has(day)) return false;
      return !isWeekend(day);
    },
    hasSchedule(year: number): boolean {
      return loaded.has(year);
    },
  };
}

/**
 * The years whose schedule decides whether the days from `first` to `last` are working days.
 * A year's notice can also move the last days of the year before (元旦 holidays and make-up
 * Saturdays have fallen in late December), so a date from 25 December on needs the next year too.
 */
export function scheduleYearsFor(first: IsoDate, last: IsoDate): number[] {
  const a = toYmd(first);
  const b = toYmd(last);
  const years: number[] = [];
  for (let y = a.year; y <= b.year; y++) years.push(y);
  if (b.month === 12 && b.day >= 25) years.push(b.year + 1);
  return years;
}

function provisionality(
  first: IsoDate,
  last: IsoDate,
  calendar: WorkCalendar,
): Pick<DeadlineSpec, 'provisional' | 'missingCalendarYears'> {
  const missing = scheduleYearsFor(first, last).filter((y) => !calendar.hasSchedule(y));
  return { provisional: missing.length > 0, missingCalendarYears: missing };
}

export function addDays(date: IsoDate, days: number): IsoDate {
  requireInteger('days', days);
  return formatYmd(fromDayNumber(toDayNumber(toYmd(date)) + days));
}

/** Civil-law month arithmetic: the corresponding day of the target month, or its last day if it has none (2024-01-31 + 1 month = 2024-02-29; 2023-01-31 + 1 = 2023-02-28; 2024-02-29 + 12 = 2025-02-28). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  requireInteger('months', months);
  const { year, month, day } = toYmd(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return formatYmd({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** n working days after `date` (the start day itself is not counted). */
export function addWorkingDays(date: IsoDate, days: number, calendar: WorkCalendar): IsoDate {
  requireNonNegativeInteger('days', days);
  let current = parseIsoDate(date);
  for (let counted = 0; counted < days; counted++) {
    current = firstWorkingDayFrom(addDays(current, 1), calendar);
  }
  return current;
}

/**
 * End of a period under 民事诉讼法 第八十五条: the start day is not counted; a period in months ends on the corresponding day (see addMonths);
 * if the last day is not a working day, the period ends on the first working day after it.
 */
export function periodEnd(
  start: IsoDate,
  length: { days: number } | { months: number },
  calendar: WorkCalendar,
): IsoDate {
  let last: IsoDate;
  if ('days' in length) {
    requireNonNegativeInteger('days', length.days);
    last = addDays(start, length.days);
  } else {
    requireNonNegativeInteger('months', length.months);
    last = addMonths(start, length.months);
  }
  return firstWorkingDayFrom(last, calendar);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(toYmd(to)) - toDayNumber(toYmd(from));
}

/** The Asia/Shanghai (UTC+8, no DST) calendar date of an instant. */
export function shanghaiDate(instant: Date): IsoDate {
  const time = instant.getTime();
  if (!Number.isFinite(time)) throw new RangeError('Invalid instant');
  return formatYmd(fromDayNumber(Math.floor((time + SHANGHAI_OFFSET_MS) / MS_PER_DAY)));
}

/** A deadline has passed when today is after its last day. */
export function isOverdue(dueOn: IsoDate, today: IsoDate): boolean {
  return daysBetween(dueOn, today) > 0;
}

export function acceptanceDeadline(receivedOn: IsoDate, calendar: WorkCalendar): DeadlineSpec {
  const dueOn = addWorkingDays(receivedOn, 3, calendar);
  return {
    kind: 'acceptance_decision',
    dueOn,
    ...provisionality(addDays(receivedOn, 1), dueOn, calendar),
    basis:
      '《企业劳动争议协商调解规定》第二十条：调解委员会接到调解申请后，对属于劳动争议受理范围且双方当事人同意调解的，应当在3个工作日内受理。',
    consequence:
      '调解组织应当在此期限内作出受理或者不予受理的决定；不予受理的，应当书面通知申请人并说明理由。逾期未作决定的，属于受理决定超期。',
  };
}

export function mediationPeriodDeadline(receivedOn: IsoDate, calendar: WorkCalendar): DeadlineSpec {
  const dueOn = periodEnd(receivedOn, { days: 15 }, calendar);
  return {
    kind: 'mediation_period',
    dueOn,
    ...provisionality(addDays(receivedOn, 15), dueOn, calendar),
    basis:
      '《中华人民共和国劳动争议调解仲裁法》第十四条第三款：自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁。',
    consequence:
      '期满未达成调解协议的，当事人可以依法申请劳动争议仲裁，调解组织应当告知双方当事人这一权利；调解可以终止，经双方当事人同意也可以延长期限继续调解。',
  };
}

/** [judicial_confirmation, arbitration_review], both counted from the day the agreement took effect. */
export function agreementDeadlines(effectiveOn: IsoDate, calendar: WorkCalendar): DeadlineSpec[] {
  const judicial = periodEnd(effectiveOn, { days: 30 }, calendar);
  const review = periodEnd(effectiveOn, { days: 15 }, calendar);
  return [
    {
      kind: 'judicial_confirmation',
      dueOn: judicial,
      ...provisionality(addDays(effectiveOn, 30), judicial, calendar),
      basis:
        '《中华人民共和国民事诉讼法》第二百零五条：经依法设立的调解组织调解达成调解协议，申请司法确认的，由双方当事人自调解协议生效之日起三十日内，共同向有管辖权的人民法院提出。',
      consequence: '期满后，双方当事人不能再共同向人民法院申请司法确认调解协议。',
    },
    {
      kind: 'arbitration_review',
      dueOn: review,
      ...provisionality(addDays(effectiveOn, 15), review, calendar),
      basis:
        '《劳动人事争议仲裁办案规则》第七十四条：经调解组织调解达成调解协议的，双方当事人可以自调解协议生效之日起十五日内，共同向有管辖权的仲裁委员会提出仲裁审查申请。',
      consequence: '期满后，双方当事人不能再共同向劳动人事争议仲裁委员会申请仲裁审查。',
    },
  ];
}

// Mirrors PAYMENT_ORDER_CLAIMS in model.ts (this module takes type imports only); a test keeps them equal.
const PAYMENT_ORDER_CLAIM_TYPES: ReadonlySet<ClaimType> = new Set<ClaimType>([
  'wages',
  'work_injury_medical',
  'economic_compensation',
  'damages',
]);

/** Unpaid wages, work-injury medical costs, economic compensation or damages (劳动争议调解仲裁法 第十六条). */
export function paymentOrderEligible(claimTypes: readonly ClaimType[]): boolean {
  return claimTypes.some((type) => PAYMENT_ORDER_CLAIM_TYPES.has(type));
}

/** dueOn is the agreed date itself: no working-day shift applies to a date the parties chose. */
export function performanceDeadline(
  dueOn: IsoDate,
  claimTypes: readonly ClaimType[],
): DeadlineSpec {
  const arbitration =
    '《中华人民共和国劳动争议调解仲裁法》第十五条：达成调解协议后，一方当事人在协议约定期限内不履行调解协议的，另一方当事人可以依法申请仲裁。';
  const paymentOrder =
    '第十六条：因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令。';
  const eligible = paymentOrderEligible(claimTypes);
  return {
    kind: 'performance',
    dueOn: parseIsoDate(dueOn),
    provisional: false,
    missingCalendarYears: [],
    basis: `调解协议约定的履行期限。${arbitration}${eligible ? paymentOrder : ''}`,
    consequence: eligible
      ? '用人单位逾期未履行调解协议的，劳动者可以依法申请劳动争议仲裁，也可以持调解协议书依法向人民法院申请支付令。'
      : '用人单位逾期未履行调解协议的，劳动者可以依法申请劳动争议仲裁。',
  };
}

/**
 * The years whose official schedule should be loaded on `today` but is not: the current year,
 * and from 1 November (the State Council usually publishes in late October or November) the next.
 * The console warns while this is not empty.
 */
export function missingScheduleYears(calendar: WorkCalendar, today: IsoDate): number[] {
  const { year, month } = toYmd(today);
  const wanted = month >= 11 ? [year, year + 1] : [year];
  return wanted.filter((y) => !calendar.hasSchedule(y));
}

/**
 * The day a window's reminder falls due, `daysBefore` days before its last day
 * (`dueOn`, itself already moved past rest days): that calendar day, or the
 * last working day before it when it is a rest day — a reminder may come
 * early, never late.
 */
export function reminderDate(dueOn: IsoDate, daysBefore: number, calendar: WorkCalendar): IsoDate {
  requireNonNegativeInteger('daysBefore', daysBefore);
  let current = addDays(dueOn, -daysBefore);
  for (let i = 0; i <= MAX_CONSECUTIVE_REST_DAYS; i++) {
    if (calendar.isWorkingDay(current)) return current;
    current = addDays(current, -1);
  }
  throw new RangeError(`No working day within ${MAX_CONSECUTIVE_REST_DAYS} days before ${dueOn}`);
}

/** Appended to a mediation period's basis when the parties agreed to extend it. */
export const EXTENSION_BASIS = '；经双方当事人同意延长';

/** Whether a mediation-period deadline is an agreed extension rather than the statutory 15 days. */
export function isExtendedPeriod(d: { kind: DeadlineKind; basis: string }): boolean {
  return d.kind === 'mediation_period' && d.basis.includes(EXTENSION_BASIS);
}
