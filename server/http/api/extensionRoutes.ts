/** Extension of the mediation period: staff propose, each party answers (or staff record an offline answer with proof). */
import type { ExtensionService } from '../../cases/extensions.js';
import { procedureApi } from '../../../signaling/http/procedure.js';
import { route, type RouteSpec } from './routes.js';

export function extensionRoutes(d: { extensions: ExtensionService }): RouteSpec[] {
  const x = d.extensions;
  return [
    route(procedureApi.extensionProposals, async ({ actor, params }) =>
      x.list(actor, params.caseId),
    ),
    route(procedureApi.proposeExtension, async ({ actor, params, body }) =>
      x.propose(actor, params.caseId, body),
    ),
    route(procedureApi.answerExtension, async ({ actor, params, body }) =>
      x.respond(actor, params.caseId, params.proposalId, body.decision),
    ),
    route(procedureApi.recordOfflineExtensionAnswer, async ({ actor, params, body }) =>
      x.recordOffline(actor, params.caseId, params.proposalId, body),
    ),
  ];
}
