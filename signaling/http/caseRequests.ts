/**
 * Inputs to case operations, as zod schemas: the request bodies of the HTTP
 * contract (cases.ts). The server parses requests with these before the
 * service runs, and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import {
  CASE_SOURCES,
  CLAIM_TYPES,
  DISPUTE_TYPES,
  INTAKE_MODES,
  PRIORITY_GROUPS,
  SESSION_MODES,
  STAFF_ROLES,
  TERMINATION_GROUNDS,
} from './vocabulary.js';

/** The calendar date in Asia/Shanghai (UTC+8, no daylight saving) of an instant. */
function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, day));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
  }, 'not a calendar date');
const instant = z.string().datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional().nullable();
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{5,20}$/, 'not a phone number');

export const personInputSchema = z
  .object({
    kind: z.enum(['applicant', 'respondent', 'agent', 'observer']),
    name: text(100),
    idNumber: optionalText(32),
    phone: phone.optional().nullable(),
    address: optionalText(200),
    isOrganisation: z.boolean().default(false),
    legalRepresentative: optionalText(100),
    representsId: z.string().max(64).optional().nullable(),
    powerOfAttorney: z
      .object({
        scope: z.enum(['general', 'special']),
        maySign: z.boolean(),
        document: optionalText(200),
      })
      .optional()
      .nullable(),
    serviceAddress: optionalText(200),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'agent' && !p.powerOfAttorney) {
      ctx.addIssue({
        code: 'custom',
        path: ['powerOfAttorney'],
        message: 'an agent needs a power of attorney',
      });
    }
    if (p.kind === 'agent' && !p.representsId) {
      ctx.addIssue({
        code: 'custom',
        path: ['representsId'],
        message: 'an agent represents a party',
      });
    }
    if (p.isOrganisation && !p.legalRepresentative) {
      ctx.addIssue({
        code: 'custom',
        path: ['legalRepresentative'],
        message: 'an employer needs its legal representative',
      });
    }
  });
export type PersonInput = z.input<typeof personInputSchema>;

/** A party as a case registration names it (no agent fields). */
export const partySchema = personInputSchema
  .innerType()
  .omit({ kind: true, representsId: true, powerOfAttorney: true });

export const registerCaseSchema = z
  .object({
    intakeMode: z.enum(INTAKE_MODES),
    disputeType: z.enum(DISPUTE_TYPES),
    source: z.enum(CASE_SOURCES),
    sourceReference: optionalText(100),
    priorityGroups: z.array(z.enum(PRIORITY_GROUPS)).max(PRIORITY_GROUPS.length).default([]),
    receivedOn: isoDate,
    application: z
      .object({
        requests: text(4000),
        factsAndReasons: text(20000),
        // Required: whether the worker may ask for a payment order (支付令) depends on them.
        claimTypes: z
          .array(z.enum(CLAIM_TYPES))
          .min(1, '至少选择一项请求类型 / Choose at least one claim type')
          .max(CLAIM_TYPES.length)
          .refine((types) => new Set(types).size === types.length, 'Each claim type once'),
        amountClaimed: z.number().nonnegative().max(1e10).nullable().default(null),
        // An oral application is recorded with the applicant's details, the dispute, the
        // reasons and the time (劳动争议调解仲裁法第十二条): the time and the read-back are here.
        oralRecord: z
          .object({
            heardAt: instant,
            place: optionalText(200).transform((v) => v ?? null),
            readBackConfirmed: z.literal(true, {
              errorMap: () => ({
                message:
                  '口头申请须向申请人宣读并经其确认 / Read the record back to the applicant and confirm',
              }),
            }),
          })
          .strict()
          .nullable()
          .default(null),
      })
      .strict(),
    applicant: partySchema.strict(),
    respondent: partySchema.strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const oral = c.application.oralRecord;
    if (c.intakeMode === 'oral' && !oral) {
      ctx.addIssue({
        code: 'custom',
        path: ['application', 'oralRecord'],
        message:
          '口头申请须记录申请时间并向申请人宣读确认 / An oral application needs the time it was made and the read-back',
      });
    }
    if (c.intakeMode === 'written' && oral) {
      ctx.addIssue({
        code: 'custom',
        path: ['application', 'oralRecord'],
        message: 'only an oral application has an oral record',
      });
    }
    if (oral && shanghaiDate(new Date(oral.heardAt)) !== c.receivedOn) {
      ctx.addIssue({
        code: 'custom',
        path: ['application', 'oralRecord', 'heardAt'],
        message:
          '口头申请的时间须在收到申请之日 / The oral application was received on the day it was heard',
      });
    }
    if (c.respondent.isOrganisation && !c.respondent.legalRepresentative) {
      ctx.addIssue({
        code: 'custom',
        path: ['respondent', 'legalRepresentative'],
        message: 'an employer needs its legal representative',
      });
    }
  });
export type RegisterCaseInput = z.input<typeof registerCaseSchema>;

export const refuseSchema = z.object({ reason: text(2000) }).strict();
export const assignMediatorSchema = z.object({ mediatorId: z.string().min(1).max(64) }).strict();
export const disclosureSchema = z
  .object({ hasConflict: z.boolean(), statement: text(2000) })
  .strict();
export const scheduleSessionSchema = z
  .object({
    scheduledStart: instant,
    scheduledEnd: instant.optional().nullable(),
    mode: z.enum(SESSION_MODES).default('online'),
  })
  .strict()
  .refine((s) => !s.scheduledEnd || s.scheduledEnd > s.scheduledStart, {
    message: 'the end must follow the start',
    path: ['scheduledEnd'],
  });
export const inviteSchema = z
  .object({
    personId: z.string().min(1).max(64),
    validDays: z.number().int().min(1).max(90).default(30),
  })
  .strict();
export const extendSchema = z
  .object({
    newDueOn: isoDate,
    applicantConsent: z.literal(true, {
      errorMap: () => ({ message: 'the applicant must consent' }),
    }),
    respondentConsent: z.literal(true, {
      errorMap: () => ({ message: 'the respondent must consent' }),
    }),
    note: optionalText(2000),
  })
  .strict();
/** Staff propose an extension; each party answers it (cases/extensions.ts). */
export const extensionProposalSchema = z.object({ newDueOn: isoDate, reason: text(2000) }).strict();
/** A party's own answer, given on its page. */
export const extensionAnswerSchema = z.object({ decision: z.enum(['consent', 'refuse']) }).strict();
/** Staff record an answer a party gave offline: proof (an evidence item of the case) and attestation. */
export const extensionOfflineAnswerSchema = z
  .object({
    partyId: text(100),
    decision: z.enum(['consent', 'refuse']),
    evidenceId: text(100),
    attestation: text(2000),
  })
  .strict();
export const agreementSchema = z
  .object({
    terms: text(20000),
    performanceDeadline: isoDate.optional().nullable(),
    performanceMethod: optionalText(500),
    /** Each applicant's own terms (collective and multi-party disputes), each person once. */
    personTerms: z
      .array(
        z
          .object({
            personId: z.string().min(1).max(64),
            items: z.array(text(2000)).max(20).default([]),
            amount: z.number().nonnegative().max(1e10).nullable().default(null),
            performanceDeadline: isoDate.nullable().default(null),
          })
          .strict(),
      )
      .max(500)
      .refine(
        (list) => new Set(list.map((t) => t.personId)).size === list.length,
        'each person once',
      )
      .optional(),
    /**
     * Refused when given (409): an agreement takes effect only at the seal
     * after every signature or at a recorded paper signing. Kept in the
     * schema so that old clients get that reason rather than an unknown key.
     */
    effectiveAt: instant.optional().nullable(),
  })
  .strict();
export const agreementEffectiveSchema = z.object({ effectiveAt: instant }).strict();
export const terminateSchema = z
  .object({ ground: z.enum(TERMINATION_GROUNDS), facts: text(4000) })
  .strict();
export const withdrawSchema = z.object({ reason: text(2000) }).strict();
export const followUpSchema = z
  .object({
    method: z.enum(['phone', 'visit', 'online']),
    notes: text(4000),
    result: z.enum(['performed', 'partly_performed', 'not_performed', 'other']),
  })
  .strict();
export const statisticsQuerySchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();
export const createStaffSchema = z
  .object({
    username: z
      .string()
      .regex(/^[a-z0-9._-]{3,32}$/, '3–32 lower-case letters, digits, dot, dash or underscore'),
    displayName: text(100),
    role: z.enum(STAFF_ROLES),
    password: z.string().min(12, 'at least 12 characters').max(200),
    specialties: z.array(z.enum(DISPUTE_TYPES)).max(DISPUTE_TYPES.length).default([]),
    /** An organisation below the clerk's (a new sub-district one gets its first clerk); default own. */
    organisationId: z.string().min(1).max(200).optional(),
  })
  .strict();
export const loginSchema = z
  .object({ username: text(64), password: z.string().min(1).max(200) })
  .strict();
export const joinTokenSchema = z
  .object({ sessionId: z.string().min(1).max(64).optional() })
  .strict();

/** A respondent (or its specially authorised agent) answers a party application on its own page. */
export const mediationResponseSchema = z
  .object({ decision: z.enum(['agree', 'refuse']), note: text(2000).optional() })
  .strict();
/** A clerk records a respondent's answer given offline, with proof: an evidence item and a note. */
export const offlineMediationResponseSchema = z
  .object({
    respondentId: z.string().min(1).max(64),
    decision: z.enum(['agree', 'refuse']),
    evidenceId: z.string().min(1).max(64),
    note: text(2000),
  })
  .strict();
/** 回避申请: a party or agent asks for the mediator's recusal, with reasons. */
export const recusalRequestSchema = z.object({ reasons: text(4000) }).strict();
/** The organisation's decision on a recusal request, always with reasons. */
export const recusalDecisionSchema = z
  .object({ decision: z.enum(['granted', 'refused']), reasons: text(4000) })
  .strict();

/** 代表人: a clerk records an applicant elected to act for co-applicants, with the election document. */
export const representativeSchema = z
  .object({
    representativeId: z.string().min(1).max(64),
    represents: z.array(z.string().min(1).max(64)).min(1).max(500),
    /** 特别授权: the authority covers signing the agreement for those represented. */
    maySign: z.boolean(),
    electedOn: isoDate,
    /** The election and authorisation document, filed as evidence of the case first. */
    evidenceId: z.string().min(1).max(64),
  })
  .strict();

/**
 * One worker's own claims in a dispute with several applicants (each worker's wages owed, say):
 * the claim types, each once, with the amount in yuan (null where nothing is counted in money).
 */
export const personClaimSchema = z
  .object({
    type: z.enum(CLAIM_TYPES),
    amount: z.number().nonnegative().max(1e9).nullable().default(null),
    note: optionalText(500),
  })
  .strict();
export const personClaimsSchema = z
  .object({
    claims: z
      .array(personClaimSchema)
      .max(CLAIM_TYPES.length)
      .refine(
        (claims) => new Set(claims.map((c) => c.type)).size === claims.length,
        '每类请求只填一次 / Each claim type once',
      ),
  })
  .strict();

/** How far one person's part of an effective agreement was performed, as staff found it. */
export const PERSON_PERFORMANCE_RESULTS = [
  'performed',
  'partly_performed',
  'not_performed',
] as const;
export const performanceRecordSchema = z
  .object({
    /** The applicant whose part of the agreement this is. */
    personId: z.string().min(1).max(64),
    result: z.enum(PERSON_PERFORMANCE_RESULTS),
    /** Yuan received by this person with this payment (null: nothing in money). */
    amountPaid: z.number().nonnegative().max(1e9).nullable().default(null),
    note: text(2000),
    /** A proof filed as evidence of the case (a bank slip), when there is one. */
    evidenceId: z.string().min(1).max(64).nullable().default(null),
  })
  .strict();
