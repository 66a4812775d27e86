/** The statistics reports' routes (issue 21): list, make, read, and the PDF and CSV files. */
import type { Response } from 'express';
import { reportApi } from '../../../signaling/http/reports.js';
import type { ReportService } from '../../reports/ReportService.js';
import { fileHeaders } from './fileResponse.js';
import { route, type RouteSpec } from './routes.js';

function send(
  res: Response,
  mediaType: string,
  file: { bytes: Buffer; sha256: string; name: string },
): undefined {
  fileHeaders(res, { mediaType, show: 'attachment', name: file.name, sha256: file.sha256 });
  res.status(200).end(file.bytes);
  return undefined;
}

export function reportRoutes(d: { reports: ReportService }): RouteSpec[] {
  return [
    route(reportApi.list, async ({ actor, query }) => ({
      reports: await d.reports.list(actor, query.organisationId),
    })),
    route(reportApi.create, async ({ actor, body, res }) => {
      const { report, created } = await d.reports.create(actor, body);
      // Made now: 201; made before: the same report as it was, 200.
      res.status(created ? 201 : 200).json(report);
      return undefined;
    }),
    route(reportApi.get, async ({ actor, params }) => d.reports.get(actor, params.reportId)),
    route(reportApi.pdf, async ({ actor, params, res }) =>
      send(res, 'application/pdf', await d.reports.file(actor, params.reportId, 'pdf')),
    ),
    route(reportApi.csv, async ({ actor, params, res }) =>
      send(res, 'text/csv; charset=utf-8', await d.reports.file(actor, params.reportId, 'csv')),
    ),
  ];
}
