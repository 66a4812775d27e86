/**
 * The working-day calendar: the loaded State Council schedules and the clerk's screen for adding
 * a later year (or correcting a loaded one). Clerks only; the calendar is the same for every
 * organisation.
 */
import type { CalendarService } from '../../cases/CalendarService.js';
import { calendarApi } from '../../../signaling/http/calendar.js';
import { calendarYearInputSchema } from '../../cases/calendarYears.js';
import { route, type RouteSpec } from './routes.js';

export interface CalendarRouteDeps {
  calendar: CalendarService;
}

export function calendarRoutes(d: CalendarRouteDeps): RouteSpec[] {
  return [
    route(calendarApi.view, ({ actor }) => d.calendar.view(actor)),
    // The contract gives the shape; the server adds the rules between the dates (same input type).
    route({ ...calendarApi.addYear, body: calendarYearInputSchema }, ({ actor, body }) =>
      d.calendar.addYear(actor, body),
    ),
  ];
}
