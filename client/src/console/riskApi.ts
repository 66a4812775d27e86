/** The console's side of the risk ledger's routes (signaling/http/risks.ts). */
import type { HttpApi } from '../../../signaling/http/index.js';
import type { StaffApi } from './api.js';
import type {
  RiskDetailView,
  RiskEntryView,
  RiskListQuery,
  RiskSettingsInput,
  RiskSettingsView,
} from './apiTypes.js';

type R = HttpApi['risks'];

export function riskEntries(
  api: StaffApi,
  query: RiskListQuery = {},
): Promise<{ entries: RiskEntryView[]; unowned: number }> {
  const q: Record<string, string> = {};
  if (query.status) q['status'] = query.status;
  if (query.organisationId) q['organisationId'] = query.organisationId;
  return api.request<R['list']>({ method: 'get', path: '/risks', params: {}, query: q });
}

export function riskDetail(api: StaffApi, riskId: string): Promise<RiskDetailView> {
  return api.request<R['get']>({ method: 'get', path: '/risks/:riskId', params: { riskId } });
}

export function setRiskOwner(api: StaffApi, riskId: string, staffId: string) {
  return api.request<R['owner']>({
    ...{ method: 'post', path: '/risks/:riskId/owner', params: { riskId } },
    body: { staffId },
  });
}

export function addRiskAction(api: StaffApi, riskId: string, note: string) {
  return api.request<R['action']>({
    ...{ method: 'post', path: '/risks/:riskId/actions', params: { riskId } },
    body: { note },
  });
}

export function closeRisk(api: StaffApi, riskId: string, note: string) {
  return api.request<R['close']>({
    ...{ method: 'post', path: '/risks/:riskId/close', params: { riskId } },
    body: { note },
  });
}

export function scanRisks(api: StaffApi) {
  return api.request<R['scan']>({ method: 'post', path: '/risks/scan', params: {} });
}

export function riskSettings(api: StaffApi, organisationId: string): Promise<RiskSettingsView> {
  return api.request<R['settings']>({
    ...{ method: 'get', path: '/organisations/:organisationId/risk-settings' },
    params: { organisationId },
  });
}

export function saveRiskSettings(
  api: StaffApi,
  organisationId: string,
  body: RiskSettingsInput,
): Promise<RiskSettingsView> {
  return api.request<R['setSettings']>({
    ...{ method: 'post', path: '/organisations/:organisationId/risk-settings' },
    ...{ params: { organisationId }, body },
  });
}

/** Whom a clerk may name as an entry's owner: themselves and the organisation's mediators. */
export async function riskOwnerChoices(
  api: StaffApi,
): Promise<{ id: string; displayName: string }[]> {
  const { mediators } = await api.request<HttpApi['cases']['mediators']>({
    method: 'get',
    path: '/mediators',
    params: {},
  });
  const me = api.session.staff;
  return [
    { id: me.id, displayName: me.displayName },
    ...mediators.filter((m) => m.active).map((m) => ({ id: m.id, displayName: m.displayName })),
  ];
}
