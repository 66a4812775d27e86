/** The console's side of the mediation network's routes (signaling/http/organisations.ts, roster.ts). */
import type { HttpApi } from '../../../signaling/http/index.js';
import type { StaffApi } from './api.js';
import type {
  AssessmentInput,
  MediatorProfileInput,
  NewOrganisationInput,
  OrganisationView,
  RosterEntryView,
  TrainingInput,
  TransferView,
} from './apiTypes.js';

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

type R = HttpApi['roster'];

export async function roster(api: StaffApi): Promise<RosterEntryView[]> {
  return (await api.request<R['list']>({ method: 'get', path: '/roster', params: {} })).mediators;
}

export function setProfile(api: StaffApi, staffId: string, body: MediatorProfileInput) {
  return api.request<R['profile']>({
    ...{ method: 'post', path: '/staff/:staffId/profile', params: { staffId } },
    body,
  });
}

export function addTraining(api: StaffApi, staffId: string, body: TrainingInput) {
  return api.request<R['training']>({
    ...{ method: 'post', path: '/staff/:staffId/trainings', params: { staffId } },
    body,
  });
}

export function addAssessment(api: StaffApi, staffId: string, body: AssessmentInput) {
  return api.request<R['assessment']>({
    ...{ method: 'post', path: '/staff/:staffId/assessments', params: { staffId } },
    body,
  });
}

/** Clerks: off the roster with the reason; they can no longer sign in. */
export function deactivate(api: StaffApi, staffId: string, reason: string) {
  return api.request<HttpApi['cases']['deactivateStaff']>({
    ...{ method: 'post', path: '/staff/:staffId/deactivate', params: { staffId } },
    body: { reason },
  });
}
