/**
 * The HTTP contract of session records (调解笔录): for each session the mediator writes the
 * record (attendance with identity-check results, the notices given, each side's statements
 * and proposals, the outcome); the service fills in what it knows (times, who was admitted
 * and how their identity was checked, recording consents, caucus phases — when and who, never
 * what was said). Issued, the record is a document of the case served on the attendees for
 * review; each attendee and the mediator signs it with the agreement's signing flow (a
 * one-time code), or the mediator records that an attendee refused to sign.
 */
import { z } from 'zod';
import { documentView, deliveryView } from './documentViews.js';
import { endpoint, pathId } from './endpoint.js';

/** 告知事项: what the mediator told the parties at the start of the session. */
export const RECORD_NOTICES = [
  'rights_and_duties', // 当事人权利义务
  'voluntariness', // 调解自愿原则
  'recusal_right', // 申请回避的权利
  'recording', // 录音录像
  'confidentiality', // 调解保密
  'no_agreement', // 调解不成可依法申请仲裁
] as const;

/** How the mediator checked who a person was (in the session, or before it). */
export const IDENTITY_CHECKS = [
  'id_document', // 出示身份证件并核对
  'video_comparison', // 视频中与证件照片比对
  'known', // 调解员认识本人
  'failed', // 核对未通过
  'not_checked', // 未核对
] as const;

export const RECORD_OUTCOMES = [
  'agreement', // 达成调解协议
  'partial_agreement', // 部分达成
  'no_agreement', // 调解不成
  'adjourned', // 另行安排调解
] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

export const sessionRecordContentSchema = z
  .object({
    attendance: z
      .array(
        z
          .object({
            personId: z.string().min(1).max(64),
            present: z.boolean(),
            identityCheck: z.enum(IDENTITY_CHECKS),
            note: z.string().trim().max(500).nullable().default(null),
          })
          .strict(),
      )
      .max(60),
    noticesGiven: z
      .array(z.enum(RECORD_NOTICES))
      .max(RECORD_NOTICES.length)
      .refine((n) => new Set(n).size === n.length, 'each notice once'),
    /** What each side said and proposed in the joint session (a caucus is never written here). */
    statements: z
      .array(
        z
          .object({
            personId: z.string().min(1).max(64),
            statement: text(10_000),
            proposal: z.string().trim().max(5_000).nullable().default(null),
          })
          .strict(),
      )
      .max(200),
    outcome: z
      .object({ kind: z.enum(RECORD_OUTCOMES), text: z.string().trim().max(5_000) })
      .strict(),
  })
  .strict()
  .refine((r) => new Set(r.attendance.map((a) => a.personId)).size === r.attendance.length, {
    message: '每人只列一次 / each person once',
    path: ['attendance'],
  });
export type SessionRecordContent = z.output<typeof sessionRecordContentSchema>;

/** What the service knows of the session, filled into the record. */
export const sessionFactsView = z.object({
  sessionId: z.string(),
  scheduledStart: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Everyone the mediator admitted (or who joined as mediator), with the identity check. */
  admitted: z.array(
    z.object({
      participantId: z.string(),
      displayName: z.string(),
      role: z.string(),
      admittedAt: z.string(),
      identity: z.enum(['confirmed', 'failed', 'unchecked']),
      /** Admitted without a confirmed check: the mediator's reason. */
      overrideReason: z.string().nullable(),
    }),
  ),
  recordings: z.array(
    z.object({
      recordingId: z.string(),
      startedAt: z.string(),
      stoppedAt: z.string().nullable(),
      consents: z.array(z.object({ participantId: z.string(), acknowledgedAt: z.string() })),
      declined: z.array(z.string()),
    }),
  ),
  /** 背靠背: when, and with whom — never what was said. */
  caucuses: z.array(
    z.object({
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      participantIds: z.array(z.string()),
    }),
  ),
});
export type SessionFacts = z.output<typeof sessionFactsView>;

export const sessionRecordView = z.object({
  facts: sessionFactsView,
  /** The mediator's draft, saved (null until first saved). */
  draft: z
    .object({ content: sessionRecordContentSchema, savedAt: z.string(), savedBy: z.string() })
    .nullable(),
  /** Every issued version, newest last, with its signing. */
  documents: z.array(documentView),
});

export const signRefusalSchema = z
  .object({ personId: z.string().min(1).max(64), reason: text(2000) })
  .strict();

const recordParams = z.object({ caseId: pathId, sessionId: pathId }).strict();

export const sessionRecordApi = {
  read: endpoint({
    method: 'get',
    path: '/cases/:caseId/sessions/:sessionId/record',
    summary:
      'The session record: what the service knows of the session, the mediator’s draft and the issued versions (staff of the case)',
    tag: 'session records',
    auth: 'staff',
    params: recordParams,
    response: sessionRecordView,
  }),
  save: endpoint({
    method: 'post',
    path: '/cases/:caseId/sessions/:sessionId/record',
    summary: 'Save the draft of the session record, during or after the session (its mediator)',
    tag: 'session records',
    auth: 'staff',
    params: recordParams,
    body: sessionRecordContentSchema,
    response: sessionRecordView,
  }),
  issue: endpoint({
    method: 'post',
    path: '/cases/:caseId/sessions/:sessionId/record/issue',
    summary:
      'Issue the record once the session ended: a document of the case, served on the attendees to review and sign (its mediator)',
    tag: 'session records',
    auth: 'staff',
    status: 201,
    params: recordParams,
    response: z.object({ document: documentView, deliveries: z.array(deliveryView) }),
  }),
  refusal: endpoint({
    method: 'post',
    path: '/cases/:caseId/documents/:documentId/signing-refusals',
    summary:
      'Record that an attendee refused to sign the session record, with the reason (its mediator)',
    tag: 'session records',
    auth: 'staff',
    status: 201,
    params: z.object({ caseId: pathId, documentId: pathId }).strict(),
    body: signRefusalSchema,
    response: z.object({ document: documentView }),
  }),
} as const;
