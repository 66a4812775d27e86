/**
 * The working-day calendar: the loaded State Council schedules and the clerk's screen for adding
 * a later year (or correcting a loaded one). Clerks only; the calendar is the same for every
 * organisation.
 */
import type { CalendarService } from '../../cases/CalendarService.js';
import { calendarYearInputSchema } from '../../cases/calendarYears.js';
import { route, type RouteSpec } from './routes.js';

export interface CalendarRouteDeps {
  calendar: CalendarService;
}

export function calendarRoutes(d: CalendarRouteDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/calendar',
      summary:
        'The loaded holiday schedules (shipped and added by clerks) and the years still missing (clerk)',
      tag: 'staff',
      auth: 'staff',
      handler: ({ actor }) => d.calendar.view(actor),
    }),
    route({
      method: 'post',
      path: '/calendar/years',
      summary:
        'Load a year’s State Council holiday schedule, or correct a loaded one with a reason; running deadlines are recomputed (clerk)',
      tag: 'staff',
      auth: 'staff',
      body: calendarYearInputSchema,
      status: 201,
      handler: ({ actor, body }) => d.calendar.addYear(actor, body),
    }),
  ];
}
