/**
 * The HTTP contract of the dashboard (数据看板, issue 21): an organisation and those below it over
 * a period, in the figures the console's charts draw, with one row per organisation and per
 * mediator and the cases to drill down to. Clerks of the organisation or one above it and
 * supervisors whose reach holds it; never the parties' names or contacts.
 */
import { z } from 'zod';
import { isoDate } from './caseRequests.js';
import { statisticsView } from './caseViews.js';
import { endpoint } from './endpoint.js';
import { CASE_STATUSES, DEADLINE_KINDS, DISPUTE_TYPES, ORGANISATION_KINDS } from './vocabulary.js';

const s = statisticsView.shape;
const rate = z.number().nullable();

export const dashboardQuery = z
  .object({
    /** Default: the caller's own organisation. */
    organisationId: z.string().min(1).max(200).optional(),
    /** Default: the twelve months up to today. At most ten years. */
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

export const dashboardView = z.object({
  organisation: z.object({ id: z.string(), name: z.string() }),
  period: z.object({ from: z.string(), to: z.string() }),
  generatedAt: z.string(),
  totals: s.totals,
  byOutcome: s.byOutcome,
  byDisputeType: s.byDisputeType,
  settlementRate: rate,
  medianDaysToClose: z.number().nullable(),
  people: s.people,
  /** Every month of the period, empty ones included. */
  months: z.array(
    z.object({
      month: z.string(),
      received: z.number(),
      closed: z.number(),
      settled: z.number(),
      byType: z.object(Object.fromEntries(DISPUTE_TYPES.map((t) => [t, z.number()]))),
      medianDaysToClose: z.number().nullable(),
      sessionsOnline: z.number(),
      sessionsInPerson: z.number(),
    }),
  ),
  deadlines: z.array(
    z.object({
      kind: z.enum(DEADLINE_KINDS),
      met: z.number(),
      overdue: z.number(),
      open: z.number(),
    }),
  ),
  sessions: z.object({ online: z.number(), inPerson: z.number(), cancelled: z.number() }),
  organisations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(ORGANISATION_KINDS),
      parentId: z.string().nullable(),
      received: z.number(),
      open: z.number(),
      settled: z.number(),
      settlementRate: rate,
      medianDaysToClose: z.number().nullable(),
      overdue: z.number(),
    }),
  ),
  mediators: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      organisationId: z.string(),
      open: z.number(),
      closed: z.number(),
      settled: z.number(),
      settlementRate: rate,
      sessionsHeld: z.number(),
    }),
  ),
  cases: z.array(
    z.object({
      id: z.string(),
      caseNumber: z.string(),
      organisationId: z.string(),
      status: z.enum(CASE_STATUSES),
      disputeType: z.enum(DISPUTE_TYPES),
      receivedOn: z.string(),
      month: z.string(),
      closedOn: z.string().nullable(),
      outcome: z.enum(['agreement', 'termination', 'withdrawal']).nullable(),
      mediatorId: z.string().nullable(),
    }),
  ),
});

export const dashboardApi = {
  dashboard: endpoint({
    method: 'get',
    path: '/dashboard',
    summary:
      'An organisation and those below it over a period: caseload by month and dispute type, outcomes, days to close, deadlines, sessions online and in person, people and amounts, per organisation and per mediator, with the cases (clerks of it or above; supervisors in reach)',
    tag: 'organisations',
    auth: 'staff',
    query: dashboardQuery,
    response: dashboardView,
  }),
};
