/**
 * The HTTP contract of the risk ledger (风险台账, issue 21): entries the early-warning rules
 * opened from case data, their owner, the actions taken and the closing note; each
 * organisation's thresholds. Clerks act; mediators read the entries of their own cases;
 * supervisors read the entries of every organisation in their reach.
 */
import { z } from 'zod';
import { endpoint } from './endpoint.js';

export const RISK_RULES = [
  'collective_dispute', // 集体争议: workers on one case at or above the threshold
  'wage_arrears', // 欠薪金额: an open wage case claiming at least the amount
  'repeat_employer', // 同一用人单位多案: the same employer in several open cases
  'overdue_deadline', // 期限逾期: a procedural deadline passed
  'unperformed_agreement', // 协议未履行: an effective agreement not performed
  'failed_sessions', // 调解会议多次未成: sessions cancelled or missed
] as const;

export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export const RISK_STATUSES = ['open', 'closed'] as const;
export const RISK_ACTION_KINDS = [
  'opened', // the rule fired (system)
  'owner', // an owner was named
  'action', // what someone did
  'cleared', // the condition no longer holds (system); the entry stays open until closed
  'recurred', // the condition holds again on an open entry (system)
  'closed', // the closing note
] as const;

const threshold = (min: number, max: number) => z.number().int().min(min).max(max).nullable();

/**
 * An organisation's thresholds; null switches a rule off. The defaults (server/risk/rules.ts)
 * apply until a clerk sets them.
 */
export const riskSettingsSchema = z
  .object({
    /** Workers on one case (劳动争议调解仲裁法第七条: ten or more make a collective dispute). */
    collectiveWorkers: threshold(2, 10_000),
    /** Yuan claimed on one open wage case. */
    wageArrearsAmount: z.number().min(1).max(1_000_000_000).nullable(),
    /** Open cases against the same employer. */
    repeatEmployerCases: threshold(2, 1_000),
    /** Days a deadline may be overdue before it is an entry (0: at once). */
    overdueDays: threshold(0, 365),
    /** Days after the performance deadline (or a finding of non-performance: at once). */
    unperformedDays: threshold(0, 365),
    /** Sessions cancelled or missed on one open case. */
    failedSessions: threshold(1, 100),
    /** Where an alert also goes, besides the console: the duty e-mail address and mobile. */
    alertEmail: z.string().trim().email().max(200).nullable(),
    alertPhone: z
      .string()
      .trim()
      .regex(/^1[3-9]\d{9}$/, { message: '手机号码格式不正确 / not a mainland mobile number' })
      .nullable(),
  })
  .strict();

export const riskCaseRef = z.object({ id: z.string(), caseNumber: z.string() });

export const riskActionView = z.object({
  id: z.string(),
  kind: z.enum(RISK_ACTION_KINDS),
  note: z.string(),
  /** Staff id; null for the system's own steps. */
  by: z.string().nullable(),
  byName: z.string().nullable(),
  at: z.string(),
});

export const riskEntryView = z.object({
  id: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  rule: z.enum(RISK_RULES),
  level: z.enum(RISK_LEVELS),
  /** What it is about, in Chinese: the case number, or the employer's name. */
  subject: z.string(),
  /** The figures that triggered it, as the last scan saw them. */
  figures: z.record(z.string(), z.union([z.number(), z.string()])),
  cases: z.array(riskCaseRef),
  status: z.enum(RISK_STATUSES),
  /** Whether the condition still holds at the last scan. */
  active: z.boolean(),
  openedAt: z.string(),
  updatedAt: z.string(),
  owner: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  closedAt: z.string().nullable(),
  closingNote: z.string().nullable(),
});

export const riskListQuery = z
  .object({
    status: z.enum([...RISK_STATUSES, 'all']).optional(),
    organisationId: z.string().min(1).max(200).optional(),
  })
  .strict();

export const riskParams = z.object({ riskId: z.string().min(1).max(200) }).strict();
export const riskOrganisationParams = z
  .object({ organisationId: z.string().min(1).max(200) })
  .strict();

const note = (min: number) =>
  z
    .string()
    .trim()
    .min(min, { message: `至少 ${min} 个字 / at least ${min} characters` })
    .max(2000);

export const riskOwnerSchema = z.object({ staffId: z.string().min(1).max(200) }).strict();
export const riskActionSchema = z.object({ note: note(4) }).strict();
export const riskCloseSchema = z.object({ note: note(10) }).strict();

const detail = z.object({ entry: riskEntryView, actions: z.array(riskActionView) });

export const riskApi = {
  list: endpoint({
    method: 'get',
    path: '/risks',
    summary:
      "The risk ledger: a clerk's organisation's entries, a supervisor's whole reach, a mediator's own cases' (newest first; open by default)",
    tag: 'risks',
    auth: 'staff',
    query: riskListQuery,
    response: z.object({
      entries: z.array(riskEntryView),
      /** Open entries nobody has taken yet: the console's alert. */
      unowned: z.number(),
    }),
  }),
  get: endpoint({
    method: 'get',
    path: '/risks/:riskId',
    summary: 'One ledger entry with its history: opened, owner, actions, cleared, closed',
    tag: 'risks',
    auth: 'staff',
    params: riskParams,
    response: detail,
  }),
  owner: endpoint({
    method: 'post',
    path: '/risks/:riskId/owner',
    summary:
      "A clerk names who follows the entry up: an active clerk or mediator of the entry's organisation",
    tag: 'risks',
    auth: 'staff',
    params: riskParams,
    body: riskOwnerSchema,
    response: detail,
  }),
  action: endpoint({
    method: 'post',
    path: '/risks/:riskId/actions',
    summary: 'What was done about an open entry (a clerk, or its owner)',
    tag: 'risks',
    auth: 'staff',
    params: riskParams,
    body: riskActionSchema,
    status: 201,
    response: detail,
  }),
  close: endpoint({
    method: 'post',
    path: '/risks/:riskId/close',
    summary:
      'A clerk closes an entry with a note of how it ended; a recurrence after the condition cleared opens a new one',
    tag: 'risks',
    auth: 'staff',
    params: riskParams,
    body: riskCloseSchema,
    response: detail,
  }),
  scan: endpoint({
    method: 'post',
    path: '/risks/scan',
    summary: 'A clerk runs the early-warning rules now (they also run with every deadline pass)',
    tag: 'risks',
    auth: 'staff',
    response: z.object({ opened: z.number(), updated: z.number(), cleared: z.number() }),
  }),
  settings: endpoint({
    method: 'get',
    path: '/organisations/:organisationId/risk-settings',
    summary:
      "An organisation's thresholds (its own or the defaults), for its staff and those above it",
    tag: 'risks',
    auth: 'staff',
    params: riskOrganisationParams,
    response: z.object({ settings: riskSettingsSchema, defaults: z.boolean() }),
  }),
  setSettings: endpoint({
    method: 'post',
    path: '/organisations/:organisationId/risk-settings',
    summary: 'A clerk sets the thresholds of their organisation or one below it',
    tag: 'risks',
    auth: 'staff',
    params: riskOrganisationParams,
    body: riskSettingsSchema,
    response: z.object({ settings: riskSettingsSchema, defaults: z.boolean() }),
  }),
};
