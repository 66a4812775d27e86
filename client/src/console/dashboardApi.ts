/** The console's side of the dashboard route (signaling/http/dashboard.ts). */
import type { HttpApi } from '../../../signaling/http/index.js';
import type { StaffApi } from './api.js';
import type { DashboardView } from './apiTypes.js';

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
