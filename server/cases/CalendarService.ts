/**
 * The working-day calendar every deadline is computed on: the schedules shipped with the project,
 * the years clerks add later (console, API or CLI) and the operator's WORK_CALENDAR_* dates.
 *
 * The calendar is global, so its changes go to an audit chain of their own, CALENDAR_AUDIT_CHAIN,
 * stored with the case chains (verified by `npm run verify -- system:work-calendar` or `--all`).
 * A change recomputes every running deadline in the same transaction; each deadline that moves is
 * an event in its case's chain and, when its date or finality changes, a deadline_changed notice.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/AuditLog.js';
import { fail } from '../errors.js';
import { authorizeStaff, type Actor } from './access.js';
import type { CaseRepository } from './CaseRepository.js';
import {
  calendarYearInputSchema,
  toYearSchedule,
  type CalendarYearInput,
  type CalendarYearRecord,
} from './calendarYears.js';
import {
  deadlineRecipients,
  noticeable,
  recomputeDue,
  recomputedDeadline,
} from './deadlineRecompute.js';
import {
  missingScheduleYears,
  shanghaiDate,
  type IsoDate,
  type WorkCalendar,
  type YearSchedule,
} from './deadlines.js';
import { officialSchedules, officialWorkCalendar } from './holidayCalendar.js';
import { DEADLINE_KIND_LABELS, type CaseNotice } from './model.js';

/** The audit chain of calendar changes (not a case: case ids are UUIDs). */
export const CALENDAR_AUDIT_CHAIN = 'system:work-calendar';

/** Storage of the years clerks added. */
export interface CalendarYearRepository {
  list(): Promise<CalendarYearRecord[]>;
  /** Inserts the year, or replaces it (a correction). */
  put(record: CalendarYearRecord): Promise<void>;
}

/** Who changes the calendar: a clerk, or the operator through the CLI. */
export interface CalendarChanger {
  id: string;
  role: string;
}

/** A WorkCalendar whose schedules can be swapped once a change is committed. */
export class LiveWorkCalendar implements WorkCalendar {
  #current: WorkCalendar;

  constructor(initial: WorkCalendar) {
    this.#current = initial;
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.#current.isWorkingDay(date);
  }

  hasSchedule(year: number): boolean {
    return this.#current.hasSchedule(year);
  }

  get current(): WorkCalendar {
    return this.#current;
  }

  replace(next: WorkCalendar): void {
    this.#current = next;
  }
}

export interface CalendarYearView {
  year: number;
  /** shipped: from the project's file; added: by a clerk; corrected: a clerk replaced a loaded year. */
  origin: 'shipped' | 'added' | 'corrected';
  source: string;
  holidays: { first: IsoDate; last: IsoDate; name: string }[];
  workdays: IsoDate[];
  addedBy: string | null;
  addedAt: string | null;
  correctionReason: string | null;
}

export interface CalendarChangeResult {
  year: number;
  origin: 'added' | 'corrected';
  /** Running deadlines the change moved (or made final), and the notices it produced. */
  deadlinesChanged: number;
  notices: number;
  missingScheduleYears: number[];
}

export interface CalendarServiceOptions {
  years: CalendarYearRepository;
  cases: CaseRepository;
  audit: AuditLog;
  /** The operator's WORK_CALENDAR_* additions (config.calendar). */
  operator?: { holidays: IsoDate[]; extraWorkdays: IsoDate[] };
  now?: () => Date;
}

export class CalendarService {
  readonly #years: CalendarYearRepository;
  readonly #cases: CaseRepository;
  readonly #audit: AuditLog;
  readonly #operator: { holidays: IsoDate[]; extraWorkdays: IsoDate[] };
  readonly #now: () => Date;
  /** What the live calendar was built from, to notice a change made by another process. */
  #loaded = '';
  readonly calendar: LiveWorkCalendar;

  private constructor(options: CalendarServiceOptions, records: CalendarYearRecord[]) {
    this.#years = options.years;
    this.#cases = options.cases;
    this.#audit = options.audit;
    this.#operator = options.operator ?? { holidays: [], extraWorkdays: [] };
    this.#now = options.now ?? (() => new Date());
    this.calendar = new LiveWorkCalendar(this.#build(records));
    this.#loaded = JSON.stringify(records);
  }

  /** Loads the added years; every place that computes deadlines takes `calendar` from here. */
  static async open(options: CalendarServiceOptions): Promise<CalendarService> {
    return new CalendarService(options, await options.years.list());
  }

  #build(records: readonly CalendarYearRecord[]): WorkCalendar {
    return officialWorkCalendar({ ...this.#operator, years: addedSchedules(records) });
  }

  /** The shipped and added years, newest last, and the years still missing today. */
  async view(actor: Actor): Promise<{ years: CalendarYearView[]; missingScheduleYears: number[] }> {
    authorizeStaff(actor, ['clerk']);
    return this.schedules();
  }

  /** The same, for the operator's CLI (no actor). */
  async schedules(): Promise<{ years: CalendarYearView[]; missingScheduleYears: number[] }> {
    return {
      years: mergedYears(await this.#years.list()),
      missingScheduleYears: missingScheduleYears(this.calendar, shanghaiDate(this.#now())),
    };
  }

  /** A clerk adds (or corrects) a year through the console or the API. */
  async addYear(actor: Actor, input: unknown): Promise<CalendarChangeResult> {
    const staff = authorizeStaff(actor, ['clerk']);
    return this.loadYear({ id: staff.id, role: staff.role }, input);
  }

  /**
   * Validates and stores a year, appends the calendar event, recomputes every running deadline,
   * all in one transaction; the live calendar changes only once it committed.
   */
  async loadYear(by: CalendarChanger, input: unknown): Promise<CalendarChangeResult> {
    const parsed = calendarYearInputSchema.safeParse(input);
    if (!parsed.success) {
      throw fail('HOLIDAY_SCHEDULE_INVALID').withIssues(
        parsed.error.issues
          .slice(0, 20)
          .map((i) => `${i.path.length ? i.path.join('.') : '(schedule)'}: ${i.message}`),
      );
    }
    const y = parsed.data;
    let previous: { calendar: WorkCalendar; loaded: string } | undefined;
    const result = await this.#cases
      .transaction(async () => {
        previous = { calendar: this.calendar.current, loaded: this.#loaded };
        const records = await this.#years.list();
        const loaded =
          records.some((r) => r.year === y.year) ||
          officialSchedules().some((s) => s.year === y.year);
        if (loaded && !y.correction) throw fail('HOLIDAY_YEAR_LOADED', { year: String(y.year) });
        const at = this.#now().toISOString();
        const { correction, ...schedule } = y;
        const record: CalendarYearRecord = {
          year: y.year,
          schedule,
          addedBy: by.id,
          addedAt: at,
          correctionReason: loaded ? (correction?.reason ?? null) : null,
        };
        await this.#years.put(record);
        const origin = loaded ? 'corrected' : 'added';
        await this.#audit.append({
          caseId: CALENDAR_AUDIT_CHAIN,
          actorId: by.id,
          actorRole: by.role,
          action: loaded ? 'calendar.year_corrected' : 'calendar.year_added',
          target: String(y.year),
          payload: toJson({ ...record, origin }),
        });
        const nextRecords = [...records.filter((r) => r.year !== y.year), record].sort(
          (a, b) => a.year - b.year,
        );
        const next = this.#build(nextRecords);
        const changed = await this.#recompute(by, next, y.year, at);
        // Swapped inside the transaction, so no deadline is computed on the old calendar after
        // the commit; put back below if the transaction fails.
        this.calendar.replace(next);
        this.#loaded = JSON.stringify(nextRecords);
        return { origin, ...changed } as const;
      })
      .catch((error: unknown) => {
        if (previous) {
          this.calendar.replace(previous.calendar);
          this.#loaded = previous.loaded;
        }
        throw error;
      });
    return {
      year: y.year,
      origin: result.origin,
      deadlinesChanged: result.deadlinesChanged,
      notices: result.notices,
      missingScheduleYears: missingScheduleYears(this.calendar, shanghaiDate(this.#now())),
    };
  }

  /**
   * Picks up years another process (the CLI) stored, and recomputes the running deadlines on
   * them: deadlines computed here in between are put right. Returns whether anything changed.
   */
  async refresh(): Promise<boolean> {
    const records = await this.#years.list();
    const stamp = JSON.stringify(records);
    if (stamp === this.#loaded) return false;
    const next = this.#build(records);
    let previous: { calendar: WorkCalendar; loaded: string } | undefined;
    await this.#cases
      .transaction(async () => {
        previous = { calendar: this.calendar.current, loaded: this.#loaded };
        await this.#recompute(
          { id: 'system', role: 'system' },
          next,
          null,
          this.#now().toISOString(),
        );
        this.calendar.replace(next);
        this.#loaded = stamp;
      })
      .catch((error: unknown) => {
        if (previous) {
          this.calendar.replace(previous.calendar);
          this.#loaded = previous.loaded;
        }
        throw error;
      });
    return true;
  }

  async #recompute(
    by: CalendarChanger,
    calendar: WorkCalendar,
    year: number | null,
    at: string,
  ): Promise<{ deadlinesChanged: number; notices: number }> {
    const today = shanghaiDate(new Date(at));
    let deadlinesChanged = 0;
    let notices = 0;
    const running = await this.#cases.listUnresolvedDeadlines();
    const byCase = new Map<string, typeof running>();
    for (const d of running) byCase.set(d.caseId, [...(byCase.get(d.caseId) ?? []), d]);
    for (const [caseId, deadlines] of byCase) {
      const c = await this.#cases.getCase(caseId);
      if (!c) continue;
      const all = await this.#cases.listDeadlines(caseId);
      let people: Awaited<ReturnType<CaseRepository['listPeople']>> | undefined;
      for (const d of deadlines) {
        const next = recomputedDeadline(d, recomputeDue(d, c, all, calendar), today);
        if (!next) continue;
        await this.#cases.updateDeadlineDue(d.id, next);
        deadlinesChanged += 1;
        if (d.kind === 'mediation_period' && c.mediationDueOn === d.dueOn) {
          c.mediationDueOn = next.dueOn;
          c.version += 1;
          c.updatedAt = at;
          await this.#cases.updateCase(c);
        }
        const previous = {
          dueOn: d.dueOn,
          provisional: d.provisional,
          missingCalendarYears: d.missingCalendarYears,
          status: d.status,
        };
        await this.#audit.append({
          caseId,
          actorId: by.id,
          actorRole: by.role,
          action: 'deadline.recomputed',
          target: d.id,
          payload: toJson({ kind: d.kind, previous, next, calendarYear: year }),
        });
        if (!noticeable(d, next)) continue;
        people ??= await this.#cases.listPeople(caseId);
        const notice: CaseNotice = {
          id: randomUUID(),
          caseId,
          kind: 'deadline_changed',
          deadlineId: null,
          documentId: null,
          createdAt: at,
          data: {
            caseNumber: c.caseNumber,
            deadlineId: d.id,
            deadlineKind: d.kind,
            deadlineLabel: DEADLINE_KIND_LABELS[d.kind],
            previousDueOn: d.dueOn,
            dueOn: next.dueOn,
            previousProvisional: d.provisional,
            provisional: next.provisional,
            missingCalendarYears: next.missingCalendarYears,
            basis: d.basis,
            reason:
              year === null
                ? '节假日安排更新 / the holiday schedule was updated'
                : `载入国务院 ${year} 年节假日安排 / the State Council's ${year} holiday schedule was loaded`,
            recipients: deadlineRecipients(d, people).map((p) => ({
              personId: p.id,
              name: p.name,
              kind: p.kind,
            })),
          },
        };
        if (await this.#cases.insertNotice(notice)) {
          notices += 1;
          await this.#audit.append({
            caseId,
            actorId: by.id,
            actorRole: by.role,
            action: 'notice.produced',
            target: notice.id,
            payload: toJson(notice),
          });
        }
      }
    }
    return { deadlinesChanged, notices };
  }
}

function toJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function addedSchedules(records: readonly CalendarYearRecord[]): YearSchedule[] {
  return records.map((r) => toYearSchedule(r.schedule));
}

/** The shipped years with the added ones over them (an added year wins: it is a correction). */
export function mergedYears(records: readonly CalendarYearRecord[]): CalendarYearView[] {
  const byYear = new Map<number, CalendarYearView>();
  for (const s of officialSchedules())
    byYear.set(s.year, {
      year: s.year,
      origin: 'shipped',
      source: s.source,
      holidays: s.holidays.map(([first, last, name]) => ({ first, last, name })),
      workdays: [...s.workdays],
      addedBy: null,
      addedAt: null,
      correctionReason: null,
    });
  for (const r of records) {
    const s = toYearSchedule(r.schedule);
    byYear.set(r.year, {
      year: r.year,
      origin: r.correctionReason === null ? 'added' : 'corrected',
      source: s.source,
      holidays: r.schedule.holidays.map((h) => ({ ...h })),
      workdays: [...r.schedule.workdays],
      addedBy: r.addedBy,
      addedAt: r.addedAt,
      correctionReason: r.correctionReason,
    });
  }
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

export type { CalendarYearInput };
