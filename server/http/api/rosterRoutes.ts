/** The mediator roster's routes (issue 21). */
import { rosterApi } from '../../../signaling/http/roster.js';
import type { MediatorRoster } from '../../organisations/MediatorRoster.js';
import { route, type RouteSpec } from './routes.js';

export function rosterRoutes(d: { roster: MediatorRoster }): RouteSpec[] {
  return [
    route(rosterApi.list, async ({ actor }) => ({ mediators: await d.roster.list(actor) })),
    route(rosterApi.profile, async ({ actor, params, body }) =>
      d.roster.setProfile(actor, params.staffId, body),
    ),
    route(rosterApi.training, async ({ actor, params, body }) =>
      d.roster.addTraining(actor, params.staffId, body),
    ),
    route(rosterApi.assessment, async ({ actor, params, body }) =>
      d.roster.addAssessment(actor, params.staffId, body),
    ),
  ];
}
