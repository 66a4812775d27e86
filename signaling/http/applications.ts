/**
 * The HTTP contract of online applications (网上办、掌上办): a worker or an employer applies from
 * a public page without an account. The page solves a proof-of-work challenge, the applicant
 * gives name, resident ID number and mobile number and confirms them with a one-time code sent
 * to that number; the code opens a draft the applicant fills in (the employer with its unified
 * social credit code, the claims with their amounts, the facts) and attaches evidence to, then
 * submits it and gets an application number and a link to its status page, which a new link
 * sent to the same number reopens. A clerk accepts it from the intake queue — the case is
 * registered with everything filled in and the respondent invited to agree to mediation — or
 * declines it with reasons the applicant reads.
 */
import { z } from 'zod';
import { creditCodeSchema, residentIdSchema } from '../identifiers.js';
import { endpoint, pathId } from './endpoint.js';
import { CLAIM_TYPES, DISPUTE_TYPES, PRIORITY_GROUPS } from './vocabulary.js';

export const APPLICATION_STATUSES = [
  'draft', // identity confirmed, being filled in
  'submitted', // in the intake queue
  'accepted', // the case is registered from it
  'declined', // not taken up, with reasons
  'withdrawn', // taken back by the applicant before a decision
] as const;

/** Who applies: the worker, or the employer (then a worker is the respondent). */
export const APPLICANT_ROLES = ['worker', 'employer'] as const;

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
/** A mainland mobile number: 11 digits starting with 1 (spaces and dashes allowed in typing). */
export const mobileSchema = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .refine((v) => /^1[3-9]\d{9}$/.test(v), {
    message: '请输入11位手机号码 / Enter an 11-digit mobile number',
  });
/** A contact number as typed: landline or mobile. */
export const contactPhoneSchema = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{5,20}$/, '电话号码格式不正确 / Not a phone number');

/** The challenge the page solves before a code is sent: SHA-256(`challenge:nonce`) with `bits` leading zero bits. */
export const powChallengeView = z.object({
  challenge: z.string(),
  bits: z.number().int(),
  expiresAt: z.string(),
});

export const powSolutionSchema = z
  .object({ challenge: z.string().min(1).max(2000), nonce: z.string().min(1).max(32) })
  .strict();

export const codeRequestSchema = z
  .object({
    name: text(2, 50),
    idNumber: residentIdSchema,
    phone: mobileSchema,
    /** The organisation applied to; may be left out when the service has only one. */
    organisationId: z.string().min(1).max(64).optional(),
    pow: powSolutionSchema,
  })
  .strict();

export const codeRequestReply = z.object({
  verificationId: z.string(),
  /** The number the code went to, masked (138****5678). */
  sentTo: z.string(),
  expiresAt: z.string(),
});

export const codeCheckSchema = z.object({ code: z.string().regex(/^\d{6}$/) }).strict();

const employerSchema = z
  .object({
    name: text(2, 100),
    creditCode: creditCodeSchema,
    address: text(2, 200),
    legalRepresentative: text(2, 50),
    contactPhone: contactPhoneSchema,
  })
  .strict();

const workerSchema = z
  .object({
    name: text(2, 50),
    idNumber: residentIdSchema.optional().nullable(),
    phone: mobileSchema,
    address: z.string().trim().max(200).optional().nullable(),
  })
  .strict();

export const claimSchema = z
  .object({
    type: z.enum(CLAIM_TYPES),
    /** Yuan; null where the claim has no amount (confirming the employment, say). */
    amount: z.number().nonnegative().max(1e9).nullable(),
  })
  .strict();

export const applicationFormSchema = z
  .object({
    applicantRole: z.enum(APPLICANT_ROLES),
    /** The applicant's own address (a worker's home, or where an employer's representative is reached). */
    address: z.string().trim().max(200).optional().nullable(),
    employer: employerSchema,
    /** The worker the employer applies against (only when the employer applies). */
    worker: workerSchema.optional().nullable(),
    disputeType: z.enum(DISPUTE_TYPES),
    priorityGroups: z.array(z.enum(PRIORITY_GROUPS)).max(PRIORITY_GROUPS.length).default([]),
    claims: z
      .array(claimSchema)
      .min(1, '至少选择一项请求类型 / Choose at least one claim type')
      .max(CLAIM_TYPES.length)
      .refine(
        (claims) => new Set(claims.map((c) => c.type)).size === claims.length,
        '每类请求只填一次 / Each claim type once',
      ),
    requests: text(2, 4000),
    factsAndReasons: text(10, 20000),
    /** 送达地址确认: documents of the case go to the confirmed mobile number (SMS with a link) and the page. */
    consentToElectronicService: z.boolean(),
    /** The applicant confirms the application is truthful (如实填写). */
    truthful: z.literal(true, {
      errorMap: () => ({ message: '须确认所填内容真实 / Confirm that what you wrote is true' }),
    }),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.applicantRole === 'employer' && !f.worker)
      ctx.addIssue({
        code: 'custom',
        path: ['worker'],
        message: '用人单位申请须填写劳动者 / An employer applying names the worker',
      });
    if (f.applicantRole === 'worker' && f.worker)
      ctx.addIssue({
        code: 'custom',
        path: ['worker'],
        message: '劳动者申请无须另填劳动者 / A worker applying does not name another worker',
      });
  });
export type ApplicationForm = z.output<typeof applicationFormSchema>;

export const applicationFileView = z.object({
  id: z.string(),
  title: z.string(),
  filename: z.string(),
  mediaType: z.string(),
  typeLabel: z.string(),
  size: z.number(),
  sha256: z.string(),
  receivedAt: z.string(),
});

/** The receipt of a file attached to an application (回执): what arrived, when, with its hash. */
export const applicationFileReceipt = applicationFileView.extend({
  applicationId: z.string(),
  /** The application's number, once submitted (a draft has none). */
  applicationNumber: z.string().nullable(),
  submittedBy: z.string(),
});

export const applicationView = z.object({
  id: z.string(),
  number: z.string().nullable(),
  organisationId: z.string(),
  organisationName: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  applicant: z.object({ name: z.string(), idNumber: z.string(), phone: z.string() }),
  form: applicationFormSchema.nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  /** The case registered from it, and where that case stands. */
  case: z.object({ id: z.string(), caseNumber: z.string(), status: z.string() }).nullable(),
  files: z.array(applicationFileView),
});
export type ApplicationView = z.output<typeof applicationView>;

export const applicationDecisionSchema = z.object({ reason: text(4, 2000) }).strict();

export const linkRequestSchema = z
  .object({ number: text(4, 40), idNumber: residentIdSchema, pow: powSolutionSchema })
  .strict();

const applicationParams = z.object({ applicationId: pathId }).strict();

const applicant = 'online application (Bearer applicant token)';

export const applicationApi = {
  organisations: endpoint({
    method: 'get',
    path: '/public/organisations',
    summary: 'The organisations that take online applications',
    tag: 'online application',
    auth: 'none',
    response: z.object({ organisations: z.array(z.object({ id: z.string(), name: z.string() })) }),
  }),
  challenge: endpoint({
    method: 'post',
    path: '/public/applications/challenge',
    summary: 'A proof-of-work challenge, solved by the page before a code or a link is sent',
    tag: 'online application',
    auth: 'none',
    response: powChallengeView,
  }),
  requestCode: endpoint({
    method: 'post',
    path: '/public/applications/codes',
    summary:
      'Send a one-time code to the applicant’s mobile number (a solved challenge; limits per device, number and address)',
    tag: 'online application',
    auth: 'none',
    status: 202,
    body: codeRequestSchema,
    response: codeRequestReply,
  }),
  checkCode: endpoint({
    method: 'post',
    path: '/public/applications/codes/:verificationId',
    summary: 'Confirm the code: opens a draft application and returns the applicant token',
    tag: 'online application',
    auth: 'none',
    params: z.object({ verificationId: pathId }).strict(),
    body: codeCheckSchema,
    response: z.object({ token: z.string(), expiresAt: z.string(), application: applicationView }),
  }),
  mine: endpoint({
    method: 'get',
    path: '/public/applications/mine',
    summary: `The application and where it stands (${applicant})`,
    tag: 'online application',
    auth: 'none',
    response: z.object({ application: applicationView }),
  }),
  attach: endpoint({
    method: 'post',
    path: '/public/applications/mine/files',
    summary: `Attach evidence to the draft (multipart/form-data as the evidence upload; ${applicant}); returns its receipt with the SHA-256`,
    tag: 'online application',
    auth: 'none',
    status: 201,
    multipart: {
      file: {
        type: 'binary',
        description: 'The file (PDF, image, audio or video, as evidence uploads)',
      },
      title: { type: 'string', description: 'What the file is (工资条, 劳动合同…)' },
    },
    response: z.object({ receipt: applicationFileReceipt }),
  }),
  submit: endpoint({
    method: 'post',
    path: '/public/applications/mine/submit',
    summary: `Submit the application: it gets its number and goes to the intake queue; a status link is sent to the mobile number (${applicant})`,
    tag: 'online application',
    auth: 'none',
    body: applicationFormSchema,
    response: z.object({ application: applicationView }),
  }),
  withdraw: endpoint({
    method: 'post',
    path: '/public/applications/mine/withdraw',
    summary: `Take the application back before it is decided (${applicant})`,
    tag: 'online application',
    auth: 'none',
    body: applicationDecisionSchema,
    response: z.object({ application: applicationView }),
  }),
  requestLink: endpoint({
    method: 'post',
    path: '/public/applications/links',
    summary:
      'Send a new status link to the mobile number of the application with this number and ID number (the reply never says whether they matched)',
    tag: 'online application',
    auth: 'none',
    status: 202,
    body: linkRequestSchema,
    response: z.object({ accepted: z.literal(true) }),
  }),
  queue: endpoint({
    method: 'get',
    path: '/applications',
    summary:
      'The organisation’s submitted online applications and their decisions, newest first (staff)',
    tag: 'online application',
    auth: 'staff',
    response: z.object({ applications: z.array(applicationView) }),
  }),
  accept: endpoint({
    method: 'post',
    path: '/applications/:applicationId/accept',
    summary:
      'Accept an application (clerk): the case is registered with its parties, claims and files, the applicant’s e-service consent recorded, and the respondent invited to agree to mediation',
    tag: 'online application',
    auth: 'staff',
    params: applicationParams,
    response: z.object({ application: applicationView, caseId: z.string() }),
  }),
  decline: endpoint({
    method: 'post',
    path: '/applications/:applicationId/decline',
    summary: 'Decline an application with reasons the applicant reads (clerk)',
    tag: 'online application',
    auth: 'staff',
    params: applicationParams,
    body: applicationDecisionSchema,
    response: z.object({ application: applicationView }),
  }),
} as const;
