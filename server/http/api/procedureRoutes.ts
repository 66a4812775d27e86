/**
 * Procedural safeguards before and during mediation: the respondent's
 * agreement to mediate a party application, and the parties' requests for
 * the mediator's recusal (回避申请) with the organisation's decision.
 */
import type { CaseService } from '../../cases/CaseService.js';
import {
  mediationResponseSchema,
  offlineMediationResponseSchema,
  recusalDecisionSchema,
  recusalRequestSchema,
} from '../../cases/schemas.js';
import type { DocumentService } from '../../documents/DocumentService.js';
import { route, type RouteSpec } from './routes.js';

export interface ProcedureRouteDeps {
  cases: CaseService;
  documents: DocumentService;
}

export function procedureRoutes(d: ProcedureRouteDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/cases/:caseId/mediation-response',
      summary:
        'A respondent (or its specially authorised agent) agrees to or refuses mediation of a party application; a refusal ends the case',
      tag: 'cases',
      auth: 'any',
      body: mediationResponseSchema,
      status: 201,
      handler: async ({ actor, params, body }) =>
        d.cases.respondToMediation(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/mediation-response/offline',
      summary:
        "Record a respondent's answer given offline, with its proof (an evidence item of the case) and a note (clerk)",
      tag: 'cases',
      auth: 'staff',
      body: offlineMediationResponseSchema,
      status: 201,
      handler: async ({ actor, params, body }) =>
        d.cases.recordMediationResponse(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/recusal-requests',
      summary:
        "A party or agent asks for the mediator's recusal (回避申请), with reasons; no session starts until it is decided",
      tag: 'cases',
      auth: 'any',
      body: recusalRequestSchema,
      status: 201,
      handler: async ({ actor, params, body }) =>
        d.documents.requestRecusal(actor, params['caseId']!, body),
    }),
    route({
      method: 'post',
      path: '/cases/:caseId/recusal-requests/:requestId/decision',
      summary:
        'The organisation grants or refuses a recusal request with reasons (clerk); the 回避决定书 is served on the parties',
      tag: 'cases',
      auth: 'staff',
      body: recusalDecisionSchema,
      handler: async ({ actor, params, body }) =>
        d.documents.decideRecusal(actor, params['caseId']!, params['requestId']!, body),
    }),
  ];
}
