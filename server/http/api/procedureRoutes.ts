/**
 * Procedural safeguards before and during mediation: the respondent's
 * agreement to mediate a party application, and the parties' requests for
 * the mediator's recusal (回避申请) with the organisation's decision.
 */
import type { CaseService } from '../../cases/CaseService.js';
import { procedureApi } from '../../../signaling/http/procedure.js';
import type { DocumentService } from '../../documents/DocumentService.js';
import { route, type RouteSpec } from './routes.js';

export interface ProcedureRouteDeps {
  cases: CaseService;
  documents: DocumentService;
}

export function procedureRoutes(d: ProcedureRouteDeps): RouteSpec[] {
  return [
    route(procedureApi.respondToMediation, async ({ actor, params, body }) =>
      d.cases.respondToMediation(actor, params.caseId, body),
    ),
    route(procedureApi.recordMediationResponse, async ({ actor, params, body }) =>
      d.cases.recordMediationResponse(actor, params.caseId, body),
    ),
    route(procedureApi.requestRecusal, async ({ actor, params, body }) =>
      d.documents.requestRecusal(actor, params.caseId, body),
    ),
    route(procedureApi.decideRecusal, async ({ actor, params, body }) =>
      d.documents.decideRecusal(actor, params.caseId, params.requestId, body),
    ),
  ];
}
