/** The HTTP contract, every area (the server's route table pairs each entry with its handler). */
import { applicationApi } from './applications.js';
import { calendarApi } from './calendar.js';
import { caseApi } from './cases.js';
import { dashboardApi } from './dashboard.js';
import { documentApi } from './documents.js';
import { evidenceApi } from './evidence.js';
import { inboundReferralApi } from './inboundReferrals.js';
import { institutionApi } from './institutions.js';
import { mediaApi } from './media.js';
import { organisationApi } from './organisations.js';
import { procedureApi } from './procedure.js';
import { recordingApi } from './recordings.js';
import { reportApi } from './reports.js';
import { riskApi } from './risks.js';
import { rosterApi } from './roster.js';
import { sessionRecordApi } from './sessionRecords.js';

export const httpApi = {
  cases: caseApi,
  procedure: procedureApi,
  calendar: calendarApi,
  documents: documentApi,
  sessionRecords: sessionRecordApi,
  evidence: evidenceApi,
  institutions: institutionApi,
  inboundReferrals: inboundReferralApi,
  applications: applicationApi,
  recordings: recordingApi,
  media: mediaApi,
  organisations: organisationApi,
  risks: riskApi,
  dashboard: dashboardApi,
  reports: reportApi,
  roster: rosterApi,
} as const;

export type HttpApi = typeof httpApi;
