/**
 * The HTTP contract of the procedural safeguards: the respondent's agreement
 * to mediate a party application, the parties' requests for the mediator's
 * recusal (回避申请) with the organisation's decision, and the extension of
 * the mediation period that every party answers.
 */
import { z } from 'zod';
import {
  extensionAnswerSchema,
  extensionOfflineAnswerSchema,
  extensionProposalSchema,
  mediationResponseSchema,
  offlineMediationResponseSchema,
  recusalDecisionSchema,
  recusalRequestSchema,
} from './caseRequests.js';
import { caseParams } from './cases.js';
import { mediationCaseView, mediationResponseView, recusalRequestView } from './caseViews.js';
import { deliveryView, documentView } from './documentViews.js';
import { endpoint, pathId } from './endpoint.js';

const mediationResponseReply = z.object({
  response: mediationResponseView,
  case: mediationCaseView,
});

/** A proposed extension of the mediation period and each party's answer. */
export const extensionProposalView = z.object({
  id: z.string(),
  caseId: z.string(),
  newDueOn: z.string(),
  reason: z.string(),
  /** The mediation period's end when proposed. */
  previousDueOn: z.string(),
  status: z.enum(['pending', 'agreed', 'refused', 'withdrawn']),
  proposedBy: z.string(),
  proposedAt: z.string(),
  decidedAt: z.string().nullable(),
  parties: z.array(
    z.object({
      partyId: z.string(),
      name: z.string(),
      role: z.enum(['applicant', 'respondent']),
      response: z
        .object({
          proposalId: z.string(),
          partyId: z.string(),
          decision: z.enum(['consent', 'refuse']),
          byId: z.string(),
          byRole: z.string(),
          offline: z
            .object({ evidenceId: z.string(), evidenceSha256: z.string(), attestation: z.string() })
            .nullable(),
          at: z.string(),
        })
        .nullable(),
    }),
  ),
});

export const procedureApi = {
  respondToMediation: endpoint({
    method: 'post',
    path: '/cases/:caseId/mediation-response',
    summary:
      'A respondent (or its specially authorised agent) agrees to or refuses mediation of a party application; a refusal ends the case',
    tag: 'cases',
    auth: 'any',
    body: mediationResponseSchema,
    status: 201,
    params: caseParams,
    response: mediationResponseReply,
  }),
  recordMediationResponse: endpoint({
    method: 'post',
    path: '/cases/:caseId/mediation-response/offline',
    summary:
      "Record a respondent's answer given offline, with its proof (an evidence item of the case) and a note (clerk)",
    tag: 'cases',
    auth: 'staff',
    body: offlineMediationResponseSchema,
    status: 201,
    params: caseParams,
    response: mediationResponseReply,
  }),
  requestRecusal: endpoint({
    method: 'post',
    path: '/cases/:caseId/recusal-requests',
    summary:
      "A party or agent asks for the mediator's recusal (回避申请), with reasons; no session starts until it is decided",
    tag: 'cases',
    auth: 'any',
    body: recusalRequestSchema,
    status: 201,
    params: caseParams,
    response: z.object({ request: recusalRequestView, document: documentView }),
  }),
  decideRecusal: endpoint({
    method: 'post',
    path: '/cases/:caseId/recusal-requests/:requestId/decision',
    summary:
      'The organisation grants or refuses a recusal request with reasons (clerk); the 回避决定书 is served on the parties',
    tag: 'cases',
    auth: 'staff',
    body: recusalDecisionSchema,
    params: z.object({ caseId: pathId, requestId: pathId }).strict(),
    response: z.object({
      request: recusalRequestView,
      document: documentView,
      deliveries: z.array(deliveryView),
    }),
  }),
  extensionProposals: endpoint({
    method: 'get',
    path: '/cases/:caseId/extension-proposals',
    summary: 'Extension proposals of the mediation period and each party’s answer',
    tag: 'cases',
    auth: 'any',
    params: caseParams,
    response: z.array(extensionProposalView),
  }),
  proposeExtension: endpoint({
    method: 'post',
    path: '/cases/:caseId/extension-proposals',
    summary: 'Propose extending the mediation period (new end, reason); every party must consent',
    tag: 'cases',
    auth: 'staff',
    body: extensionProposalSchema,
    status: 201,
    params: caseParams,
    response: extensionProposalView,
  }),
  answerExtension: endpoint({
    method: 'post',
    path: '/cases/:caseId/extension-proposals/:proposalId/answer',
    summary:
      'A party (or its agent with special authority) consents to or refuses a proposed extension',
    tag: 'cases',
    auth: 'any',
    body: extensionAnswerSchema,
    params: z.object({ caseId: pathId, proposalId: pathId }).strict(),
    response: extensionProposalView,
  }),
  recordOfflineExtensionAnswer: endpoint({
    method: 'post',
    path: '/cases/:caseId/extension-proposals/:proposalId/offline-answer',
    summary:
      'Staff record a party’s answer given offline, with proof (an evidence item) and their attestation',
    tag: 'cases',
    auth: 'staff',
    body: extensionOfflineAnswerSchema,
    params: z.object({ caseId: pathId, proposalId: pathId }).strict(),
    response: extensionProposalView,
  }),
} as const;
