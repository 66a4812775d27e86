/** The console's side of the dashboard and the statistics reports (signaling/http/dashboard.ts, reports.ts). */
import type { HttpApi } from '../../../signaling/http/index.js';
import type { StaffApi } from './api.js';
import type { DashboardView, ReportView } from './apiTypes.js';

export function dashboard(
  api: StaffApi,
  query: { organisationId?: string; from?: string; to?: string },
): Promise<DashboardView> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v) q[k] = v;
  return api.request<HttpApi['dashboard']['dashboard']>({
    method: 'get',
    path: '/dashboard',
    params: {},
    query: q,
  });
}

type R = HttpApi['reports'];

export async function reports(api: StaffApi): Promise<ReportView[]> {
  return (await api.request<R['list']>({ method: 'get', path: '/reports', params: {} })).reports;
}

/** Clerks: the report of an ended month (`2026-11`) or quarter (`2026-Q4`). */
export function makeReport(
  api: StaffApi,
  organisationId: string,
  period: string,
): Promise<ReportView> {
  return api.request<R['create']>({
    ...{ method: 'post', path: '/reports', params: {} },
    body: { organisationId, period },
  });
}

export function reportFile(api: StaffApi, report: ReportView, kind: 'pdf' | 'csv') {
  return kind === 'pdf'
    ? api.file<R['pdf']>('/reports/:reportId/pdf', { reportId: report.id }, `${report.period}.pdf`)
    : api.file<R['csv']>('/reports/:reportId/csv', { reportId: report.id }, `${report.period}.csv`);
}
