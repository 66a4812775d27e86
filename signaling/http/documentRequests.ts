/** Inputs of the document service, parsed before any handler runs. */
import { z } from 'zod';
import { SERVICE_CHANNELS, TERMINATION_GROUNDS } from './vocabulary.js';

const id = z.string().trim().min(1).max(100);
const text = (max: number) => z.string().trim().min(1).max(max);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real date');

const common = {
  /** People of the case to serve it on (parties and agents). */
  recipients: z.array(id).max(20).default([]),
  /** The document this one replaces: the new one is its next version. */
  replaces: id.optional(),
};

export const ISSUE_FIELD_SCHEMAS = {
  acceptance_notice: z.object({ note: text(2000).optional() }).strict(),
  refusal_notice: z.object({ reason: text(2000).optional() }).strict(),
  session_notice: z
    .object({
      sessionId: id,
      joinUrl: z.string().url().max(2000).optional(),
      prepare: text(2000).optional(),
    })
    .strict(),
  mediation_agreement: z
    .object({
      items: z.array(text(2000)).min(1, 'list at least one agreed term').max(50),
      amount: z.number().nonnegative().max(1e10).optional(),
      performanceDeadline: isoDate.optional(),
      performanceMethod: text(500).optional(),
      /**
       * Each applicant's own terms in a dispute with several workers: what is owed to that
       * person, the amount and its deadline. Each applicant of the case at most once.
       */
      perPerson: z
        .array(
          z
            .object({
              personId: id,
              items: z.array(text(2000)).max(20).default([]),
              amount: z.number().nonnegative().max(1e10).optional(),
              performanceDeadline: isoDate.optional(),
            })
            .strict()
            .refine(
              (t) => t.items.length > 0 || t.amount !== undefined,
              'give the person an amount or at least one term',
            ),
        )
        .max(500)
        .refine(
          (list) => new Set(list.map((t) => t.personId)).size === list.length,
          'each person once',
        )
        .optional(),
    })
    .strict(),
  performance_notice: z
    .object({
      obligations: text(4000),
      deadline: isoDate,
      consequences: text(2000).optional(),
    })
    .strict(),
  termination_record: z
    .object({ ground: z.enum(TERMINATION_GROUNDS).optional(), facts: text(4000).optional() })
    .strict(),
  evidence_receipt: z.object({ evidenceId: id }).strict(),
  judicial_confirmation_application: z
    .object({ agreementId: id.optional(), attachments: z.array(text(200)).max(30).optional() })
    .strict(),
  arbitration_review_application: z
    .object({ agreementId: id.optional(), attachments: z.array(text(200)).max(30).optional() })
    .strict(),
  right_to_arbitration_notice: z.object({}).strict(),
  application_form: z.object({}).strict(),
  oral_application_record: z.object({}).strict(),
} as const;

export type IssuableKind = keyof typeof ISSUE_FIELD_SCHEMAS;

export const issueDocumentSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('acceptance_notice'),
      fields: ISSUE_FIELD_SCHEMAS.acceptance_notice.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('refusal_notice'),
      fields: ISSUE_FIELD_SCHEMAS.refusal_notice.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('session_notice'),
      fields: ISSUE_FIELD_SCHEMAS.session_notice,
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('mediation_agreement'),
      fields: ISSUE_FIELD_SCHEMAS.mediation_agreement,
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('performance_notice'),
      fields: ISSUE_FIELD_SCHEMAS.performance_notice,
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('termination_record'),
      fields: ISSUE_FIELD_SCHEMAS.termination_record.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('evidence_receipt'),
      fields: ISSUE_FIELD_SCHEMAS.evidence_receipt,
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('judicial_confirmation_application'),
      fields: ISSUE_FIELD_SCHEMAS.judicial_confirmation_application.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('arbitration_review_application'),
      fields: ISSUE_FIELD_SCHEMAS.arbitration_review_application.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('right_to_arbitration_notice'),
      fields: ISSUE_FIELD_SCHEMAS.right_to_arbitration_notice.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('application_form'),
      fields: ISSUE_FIELD_SCHEMAS.application_form.default({}),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('oral_application_record'),
      fields: ISSUE_FIELD_SCHEMAS.oral_application_record.default({}),
      ...common,
    })
    .strict(),
]);
export type IssueDocumentInput = z.output<typeof issueDocumentSchema>;

const phone = z.string().regex(/^1\d{10}$/, 'a mainland mobile number of 11 digits');
export const serviceAddressSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('in_app') }).strict(),
  z.object({ channel: z.literal('email'), value: z.string().trim().email().max(200) }).strict(),
  z.object({ channel: z.literal('sms'), value: phone }).strict(),
]);

export const serviceConsentSchema = z
  .object({
    /** Staff recording a signed paper form name the person; a person gives their own. */
    personId: id.optional(),
    consentToElectronicService: z.boolean(),
    addresses: z
      .array(serviceAddressSchema)
      .max(3)
      .refine((a) => new Set(a.map((x) => x.channel)).size === a.length, 'one address per channel'),
    scope: z.union([
      z.literal('all'),
      z.array(z.enum(Object.keys(ISSUE_FIELD_SCHEMAS) as [IssuableKind, ...IssuableKind[]])).min(1),
    ]),
    /** 确认已知悉电子送达的法律效力 */
    effectAcknowledged: z.literal(true, {
      errorMap: () => ({
        message: '须确认已知悉电子送达的法律效力 / confirm you understand the effect of e-service',
      }),
    }),
    postalAddress: text(300).optional(),
  })
  .strict()
  .refine((b) => !b.consentToElectronicService || b.addresses.length > 0, {
    message: '同意电子送达须至少提供一个地址 / give at least one address to consent to e-service',
    path: ['addresses'],
  });
export type ServiceConsentInput = z.output<typeof serviceConsentSchema>;

export const offlineProofSchema = z
  .object({
    /** How it was served: 直接送达, 邮寄送达, 留置送达… */
    method: text(100),
    description: text(2000),
    servedOn: isoDate,
    evidenceId: id.optional(),
  })
  .strict();

export const challengeSchema = z.object({ reason: text(2000) }).strict();
export const paperCopySchema = z.object({ postalAddress: text(300).optional() }).strict();
export const failSchema = z.object({ reason: text(500) }).strict();

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;
/** ≤ 200 KB decoded. */
export const MAX_SIGNATURE_IMAGE_BYTES = 200 * 1024;

export const signSchema = z
  .object({
    code: z.string().regex(/^\d{6}$/, 'the 6-digit code'),
    signatureImage: z
      .string()
      .max(Math.ceil((MAX_SIGNATURE_IMAGE_BYTES * 4) / 3) + 40, 'the image exceeds 200 KB')
      .regex(PNG_DATA_URL, 'a data:image/png;base64,… URL')
      .transform((s, ctx) => {
        const bytes = Buffer.from(PNG_DATA_URL.exec(s)?.[1] ?? '', 'base64');
        const png = bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
        if (!png) ctx.addIssue({ code: 'custom', message: 'not a PNG image' });
        if (bytes.length > MAX_SIGNATURE_IMAGE_BYTES)
          ctx.addIssue({ code: 'custom', message: 'the image exceeds 200 KB' });
        return bytes;
      })
      .optional(),
  })
  .strict();

export const signingCodeSchema = z
  .object({ channel: z.enum(SERVICE_CHANNELS).optional() })
  .strict()
  .default({});

/**
 * A paper signing recorded by the case's mediator: the scan of the signed
 * agreement (evidence category signed_agreement), each party's signatory and
 * date as the mediator attests them, and the mediator's own signature date.
 */
export const paperSigningSchema = z
  .object({
    evidenceId: id,
    signatories: z
      .array(
        z
          .object({
            /** The party bound. */
            partyId: id,
            /** Who signed: the party itself, or its agent with special authority (default: the party). */
            signerId: id.optional(),
            signedOn: isoDate,
          })
          .strict(),
      )
      .min(1)
      .max(40),
    mediatorSignedOn: isoDate,
    /** The mediator's attestation that the signatures above are on the scanned paper. */
    attestation: text(2000),
  })
  .strict();
export type PaperSigningInput = z.output<typeof paperSigningSchema>;
