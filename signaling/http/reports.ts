/**
 * The HTTP contract of the statistics reports sent upward (统计报表, issue 21): a month's or a
 * quarter's figures of an organisation and those below it, as a PDF and a CSV, fixed once made,
 * each file's SHA-256 kept and the whole signed with the service's key (verifiable against
 * /.well-known/jwks.json). Made on a clerk's request or by the schedule after a period ends.
 */
import { z } from 'zod';
import { endpoint, raw } from './endpoint.js';

export const REPORT_PERIOD_KINDS = ['month', 'quarter'] as const;

/** `2026-11` for a month, `2026-Q4` for a quarter. */
export const reportPeriod = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/, { message: 'YYYY-MM or YYYY-Qn' });

export const createReportSchema = z
  .object({
    organisationId: z.string().min(1).max(200),
    period: reportPeriod,
  })
  .strict();

const file = z.object({ sha256: z.string(), bytes: z.number() });

export const reportView = z.object({
  id: z.string(),
  organisationId: z.string(),
  organisationName: z.string(),
  periodKind: z.enum(REPORT_PERIOD_KINDS),
  period: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  /** Staff who asked; null when the schedule made it. */
  generatedBy: z.string().nullable(),
  pdf: file,
  csv: file,
  /** JWS (EdDSA) over the report's identity, period and both files' hashes. */
  jws: z.string(),
});

export const reportParams = z.object({ reportId: z.string().min(1).max(200) }).strict();

export const reportApi = {
  list: endpoint({
    method: 'get',
    path: '/reports',
    summary:
      "Statistics reports of the caller's organisation and those below it (a supervisor: their reach), newest period first",
    tag: 'reports',
    auth: 'staff',
    query: z.object({ organisationId: z.string().min(1).max(200).optional() }).strict(),
    response: z.object({ reports: z.array(reportView) }),
  }),
  create: endpoint({
    method: 'post',
    path: '/reports',
    summary:
      'A clerk has the report of an ended month or quarter made for their organisation or one below it; one that exists already is returned as it is (reports are fixed)',
    tag: 'reports',
    auth: 'staff',
    body: createReportSchema,
    status: 201,
    response: reportView,
  }),
  get: endpoint({
    method: 'get',
    path: '/reports/:reportId',
    summary: 'One report: its period, files with their hashes, and the signature',
    tag: 'reports',
    auth: 'staff',
    params: reportParams,
    response: reportView,
  }),
  pdf: endpoint({
    method: 'get',
    path: '/reports/:reportId/pdf',
    summary: 'The report as PDF (X-Content-SHA256)',
    tag: 'reports',
    auth: 'staff',
    params: reportParams,
    response: raw('application/pdf'),
  }),
  csv: endpoint({
    method: 'get',
    path: '/reports/:reportId/csv',
    summary: 'The report as CSV, UTF-8 with a BOM for spreadsheet software (X-Content-SHA256)',
    tag: 'reports',
    auth: 'staff',
    params: reportParams,
    response: raw('text/csv'),
  }),
};
