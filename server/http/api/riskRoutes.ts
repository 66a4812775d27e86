/** The risk ledger's routes (issue 21): entries, their owner, actions and closing; thresholds. */
import { riskApi } from '../../../signaling/http/risks.js';
import type { RiskLedger } from '../../risk/RiskLedger.js';
import { route, type RouteSpec } from './routes.js';

export function riskRoutes(d: { risks: RiskLedger }): RouteSpec[] {
  return [
    route(riskApi.list, async ({ actor, query }) => d.risks.list(actor, query)),
    route(riskApi.get, async ({ actor, params }) => d.risks.get(actor, params.riskId)),
    route(riskApi.owner, async ({ actor, params, body }) =>
      d.risks.setOwner(actor, params.riskId, body.staffId),
    ),
    route(riskApi.action, async ({ actor, params, body }) =>
      d.risks.addAction(actor, params.riskId, body.note),
    ),
    route(riskApi.close, async ({ actor, params, body }) =>
      d.risks.close(actor, params.riskId, body.note),
    ),
    route(riskApi.scan, async ({ actor }) => d.risks.scanAs(actor)),
    route(riskApi.settings, async ({ actor, params }) =>
      d.risks.settings(actor, params.organisationId),
    ),
    route(riskApi.setSettings, async ({ actor, params, body }) =>
      d.risks.setSettings(actor, params.organisationId, body),
    ),
  ];
}
