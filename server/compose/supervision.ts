/**
 * Part of the composition root (with server/MediationServer.ts): the mediation network and
 * what watches over it (issue 21): organisations and moving cases between them, the risk
 * ledger with its early-warning scan.
 */
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import { SqlRiskLedger } from '../db/SqlRiskLedger.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import { organisationRoutes } from '../http/api/organisationRoutes.js';
import { riskRoutes } from '../http/api/riskRoutes.js';
import type { RouteSpec } from '../http/api/routes.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import type { Logger } from '../logger.js';
import { DashboardService } from '../organisations/DashboardService.js';
import { OrganisationService } from '../organisations/OrganisationService.js';
import { RiskLedger } from '../risk/RiskLedger.js';

export interface SupervisionParts {
  organisations: OrganisationService;
  risks: RiskLedger;
  routes: RouteSpec[];
}

export function composeSupervision(p: {
  database: SqlClient;
  repository: CaseRepository;
  cases: CaseService;
  notifications: NotificationChannel;
  jobs: JobClaims;
  logger: Logger;
}): SupervisionParts {
  const organisations = new OrganisationService({
    repo: p.repository,
    cases: p.cases,
    notifications: p.notifications,
    logger: p.logger,
  });
  const risks = new RiskLedger({
    repo: new SqlRiskLedger(p.database),
    cases: p.repository,
    notifications: p.notifications,
    logger: p.logger,
    jobs: p.jobs,
  });
  return {
    organisations,
    risks,
    routes: [
      ...organisationRoutes({ organisations, dashboard: new DashboardService(p.repository) }),
      ...riskRoutes({ risks }),
    ],
  };
}
