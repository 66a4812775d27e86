/** The console's side of the mediation network's routes (signaling/http/organisations.ts). */
import type { HttpApi } from '../../../signaling/http/index.js';
import type { StaffApi } from './api.js';
import type { NewOrganisationInput, OrganisationView, TransferView } from './apiTypes.js';

type O = HttpApi['organisations'];

/** The caller's part of the mediation network, parents before children. */
export async function organisations(api: StaffApi): Promise<OrganisationView[]> {
  return (await api.request<O['network']>({ method: 'get', path: '/organisations', params: {} }))
    .organisations;
}

/** Clerks: an organisation under their own or one below it. */
export function createOrganisation(
  api: StaffApi,
  body: NewOrganisationInput,
): Promise<OrganisationView> {
  return api.request<O['create']>({ method: 'post', path: '/organisations', params: {}, body });
}

/** Clerks: the case to another organisation of the network, with reasons. */
export function transferCase(
  api: StaffApi,
  caseId: string,
  organisationId: string,
  reason: string,
): Promise<TransferView> {
  return api.request<O['transfer']>({
    ...{ method: 'post', path: '/cases/:caseId/transfer', params: { caseId } },
    body: { organisationId, reason },
  });
}
