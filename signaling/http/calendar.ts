/**
 * The HTTP contract of the working-day calendar: the loaded State Council
 * schedules and a clerk's addition (or correction) of a year.
 */
import { z } from 'zod';
import { endpoint } from './endpoint.js';

/** A real calendar date written YYYY-MM-DD. */
function validDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const isoDate = z
  .string()
  .refine(validDate, { message: '日期应为有效的 YYYY-MM-DD / expected a valid date YYYY-MM-DD' });

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `${what}不能为空 / must not be empty` })
    .max(max);

export const calendarSourceSchema = z
  .object({
    /** The notice's title, e.g. 国务院办公厅关于2027年部分节假日安排的通知. */
    title: text(200, '通知标题'),
    /** Its document number, e.g. 国办发明电〔2026〕N号. */
    number: text(100, '文号').optional(),
    url: z
      .string()
      .trim()
      .max(500)
      .url({ message: '来源网址无效 / the source URL is not a valid URL' })
      .refine((u) => /^https?:\/\//i.test(u), {
        message: '来源网址应以 http(s):// 开头 / the source URL must be http(s)',
      })
      .optional(),
    publishedOn: isoDate,
  })
  .strict();

export const calendarHolidaySchema = z
  .object({ first: isoDate, last: isoDate, name: text(50, '节日名称') })
  .strict();

/** A year's schedule, its shape; the rules between its dates are checked by the server (cases/calendarYears.ts). */
export const calendarYearObject = z
  .object({
    year: z.number().int().min(2000).max(9999),
    holidays: z.array(calendarHolidaySchema).min(1).max(20),
    workdays: z.array(isoDate).max(20),
    source: calendarSourceSchema,
    /** Replacing a year already loaded (shipped or added) is a correction and needs a reason. */
    correction: z
      .object({ reason: text(500, '更正理由') })
      .strict()
      .optional(),
  })
  .strict();

const holidayView = z.object({ first: z.string(), last: z.string(), name: z.string() });

export const calendarYearView = z.object({
  year: z.number(),
  /** shipped: from the project's file; added: by a clerk; corrected: a clerk replaced a loaded year. */
  origin: z.enum(['shipped', 'added', 'corrected']),
  source: z.string(),
  holidays: z.array(holidayView),
  workdays: z.array(z.string()),
  addedBy: z.string().nullable(),
  addedAt: z.string().nullable(),
  correctionReason: z.string().nullable(),
});

export const calendarApi = {
  view: endpoint({
    method: 'get',
    path: '/calendar',
    summary:
      'The loaded holiday schedules (shipped and added by clerks) and the years still missing (clerk)',
    tag: 'staff',
    auth: 'staff',
    response: z.object({
      years: z.array(calendarYearView),
      missingScheduleYears: z.array(z.number()),
    }),
  }),
  addYear: endpoint({
    method: 'post',
    path: '/calendar/years',
    summary:
      'Load a year’s State Council holiday schedule, or correct a loaded one with a reason; running deadlines are recomputed (clerk)',
    tag: 'staff',
    auth: 'staff',
    body: calendarYearObject,
    status: 201,
    response: z.object({
      year: z.number(),
      origin: z.enum(['added', 'corrected']),
      /** Running deadlines the change moved (or made final), and the notices it produced. */
      deadlinesChanged: z.number(),
      notices: z.number(),
      missingScheduleYears: z.array(z.number()),
    }),
  }),
} as const;
