/**
 * Part of the composition root (with server/MediationServer.ts): the mediation network and
 * what watches over it (issue 21): organisations and moving cases between them, the dashboard,
 * the risk ledger with its early-warning scan, statistics reports sent upward.
 */
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { CaseService } from '../cases/CaseService.js';
import { SqlMediatorRoster } from '../db/SqlMediatorRoster.js';
import { SqlReportRepository } from '../db/SqlReportRepository.js';
import { SqlRiskLedger } from '../db/SqlRiskLedger.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import type { NotificationChannel } from '../documents/NotificationChannel.js';
import { organisationRoutes } from '../http/api/organisationRoutes.js';
import { reportRoutes } from '../http/api/reportRoutes.js';
import { rosterRoutes } from '../http/api/rosterRoutes.js';
import { riskRoutes } from '../http/api/riskRoutes.js';
import type { RouteSpec } from '../http/api/routes.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import type { Logger } from '../logger.js';
import { DashboardService } from '../organisations/DashboardService.js';
import { MediatorRoster } from '../organisations/MediatorRoster.js';
import { OrganisationService } from '../organisations/OrganisationService.js';
import { ReportService } from '../reports/ReportService.js';
import { RiskLedger } from '../risk/RiskLedger.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { ArchiveStore } from '../storage/archives.js';
import type { PdfRenderer } from '../documents/PdfRenderer.js';

export interface SupervisionParts {
  organisations: OrganisationService;
  risks: RiskLedger;
  reports: ReportService;
  routes: RouteSpec[];
  /** The deadline pass's last step: the risk scan, then reports of periods just ended. */
  afterPass: () => Promise<void>;
}

export function composeSupervision(p: {
  database: SqlClient;
  repository: CaseRepository;
  cases: CaseService;
  notifications: NotificationChannel;
  jobs: JobClaims;
  logger: Logger;
  renderer: PdfRenderer;
  archives: ArchiveStore;
  keys: ServiceKeys;
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
  const dashboard = new DashboardService(p.repository);
  const riskRecords = new SqlRiskLedger(p.database);
  const reports = new ReportService({
    repo: new SqlReportRepository(p.database),
    cases: p.repository,
    staffOf: (ids) => riskRecords.staff(ids),
    dashboard,
    renderer: p.renderer,
    archives: p.archives,
    keys: p.keys,
    notifications: p.notifications,
    logger: p.logger,
    jobs: p.jobs,
  });
  return {
    organisations,
    risks,
    reports,
    routes: [
      ...organisationRoutes({ organisations, dashboard }),
      ...riskRoutes({ risks }),
      ...reportRoutes({ reports }),
      ...rosterRoutes({
        roster: new MediatorRoster(new SqlMediatorRoster(p.database), p.repository),
      }),
    ],
    afterPass: async () => {
      try {
        await risks.scan();
      } finally {
        await reports.scheduled();
      }
    },
  };
}
