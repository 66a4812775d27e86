/** The mediation network's routes (issue 21): the tree within reach, a new organisation, a case moved. */
import { dashboardApi } from '../../../signaling/http/dashboard.js';
import { organisationApi } from '../../../signaling/http/organisations.js';
import type { DashboardService } from '../../organisations/DashboardService.js';
import type { OrganisationService } from '../../organisations/OrganisationService.js';
import { route, type RouteSpec } from './routes.js';

export function organisationRoutes(d: {
  organisations: OrganisationService;
  dashboard: DashboardService;
}): RouteSpec[] {
  return [
    route(dashboardApi.dashboard, async ({ actor, query }) => d.dashboard.dashboard(actor, query)),
    route(organisationApi.network, async ({ actor }) => ({
      organisations: await d.organisations.network(actor),
    })),
    route(organisationApi.create, async ({ actor, body }) => d.organisations.create(actor, body)),
    route(organisationApi.transfer, async ({ actor, params, body }) =>
      d.organisations.transfer(actor, params.caseId, body),
    ),
  ];
}
