/**
 * The HTTP contract of the mediator roster (调解员名册, issue 21): each mediator's kind (the
 * organisation's own, or invited: 特邀调解员) and expertise, specialties, training records and
 * hours, yearly assessments, deactivation with its reason, and their load and results. Clerks
 * keep it for their organisation and those below; supervisors read their reach.
 */
import { z } from 'zod';
import { isoDate } from './caseRequests.js';
import { endpoint } from './endpoint.js';
import { DISPUTE_TYPES } from './vocabulary.js';

export const MEDIATOR_KINDS = ['staff', 'invited'] as const;
/** 优秀、称职、基本称职、不称职. */
export const ASSESSMENT_RESULTS = [
  'excellent',
  'competent',
  'basically_competent',
  'incompetent',
] as const;

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const staffParams = z.object({ staffId: z.string().min(1).max(200) }).strict();

export const mediatorProfileSchema = z
  .object({
    mediatorKind: z.enum(MEDIATOR_KINDS),
    /** An invited mediator's field: a lawyer, a union officer, an industry expert… */
    expertise: text(0, 200).nullable(),
    specialties: z.array(z.enum(DISPUTE_TYPES)).max(DISPUTE_TYPES.length),
  })
  .strict();

export const trainingSchema = z
  .object({
    onDate: isoDate,
    title: text(2, 200),
    hours: z.number().positive().max(200).multipleOf(0.5),
    provider: text(2, 200),
  })
  .strict();

export const assessmentSchema = z
  .object({
    /** The year assessed. */
    period: z.string().regex(/^\d{4}$/, { message: 'a year, YYYY' }),
    result: z.enum(ASSESSMENT_RESULTS),
    note: text(0, 2000),
  })
  .strict();

export const rosterEntryView = z.object({
  id: z.string(),
  displayName: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  active: z.boolean(),
  mediatorKind: z.enum(MEDIATOR_KINDS),
  expertise: z.string().nullable(),
  specialties: z.array(z.enum(DISPUTE_TYPES)),
  deactivatedAt: z.string().nullable(),
  deactivationReason: z.string().nullable(),
  trainings: z.array(
    z.object({
      id: z.string(),
      onDate: z.string(),
      title: z.string(),
      hours: z.number(),
      provider: z.string(),
    }),
  ),
  trainingHoursThisYear: z.number(),
  trainingHoursTotal: z.number(),
  assessments: z.array(
    z.object({
      id: z.string(),
      period: z.string(),
      result: z.enum(ASSESSMENT_RESULTS),
      note: z.string(),
      assessedAt: z.string(),
    }),
  ),
  /** Cases registered, accepted or in mediation assigned to them now. */
  openCases: z.number(),
  closedCases: z.number(),
  settledCases: z.number(),
  settlementRate: z.number().nullable(),
});

export const rosterApi = {
  list: endpoint({
    method: 'get',
    path: '/roster',
    summary:
      "The mediators of the caller's organisation and those below it (a supervisor: their reach), active and deactivated, with training, assessments, load and results",
    tag: 'staff',
    auth: 'staff',
    response: z.object({ mediators: z.array(rosterEntryView) }),
  }),
  profile: endpoint({
    method: 'post',
    path: '/staff/:staffId/profile',
    summary: "A clerk sets a mediator's kind (own or invited), expertise and specialties",
    tag: 'staff',
    auth: 'staff',
    params: staffParams,
    body: mediatorProfileSchema,
    response: rosterEntryView,
  }),
  training: endpoint({
    method: 'post',
    path: '/staff/:staffId/trainings',
    summary: "A clerk records a mediator's training: date, title, hours, provider",
    tag: 'staff',
    auth: 'staff',
    params: staffParams,
    body: trainingSchema,
    status: 201,
    response: rosterEntryView,
  }),
  assessment: endpoint({
    method: 'post',
    path: '/staff/:staffId/assessments',
    summary: "A clerk records a mediator's assessment of a year (once per year)",
    tag: 'staff',
    auth: 'staff',
    params: staffParams,
    body: assessmentSchema,
    status: 201,
    response: rosterEntryView,
  }),
};
