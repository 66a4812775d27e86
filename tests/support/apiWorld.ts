/**
 * One populated server for the generated HTTP tests: two organisations, a
 * case A1 with every kind of resource the API addresses (session, evidence,
 * a served document, an agreement, a referral to a court, a recording), a
 * second case A2, and a credential of every kind — current and stale.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { INVITATION_TOKEN_AUDIENCE } from '../../server/auth/tokenKinds.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import { TOKEN_ISSUER } from '../../signaling/index.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  type StaffFixture,
  respondentsAgree,
} from './cases.js';
import { apiClient, type Api } from './evidenceHttp.js';
import { TEST_SECRET } from './secrets.js';
import type { TestServer } from './server.js';

/** Every kind of caller the authorization table has a column for. */
export const CALLERS = [
  'anonymous',
  'clerkA',
  'mediatorA',
  'otherMediatorA',
  'clerkB',
  'applicantA1',
  'respondentA1',
  'agentA1',
  'observerA1',
  'applicantA2',
  'institution',
  'deactivatedStaff',
  'reassignedMediator',
  /** A supervisor at organisation A: reads A's cases, edits nothing. */
  'supervisorA',
  'revokedInvitation',
  'expiredInvitation',
] as const;
export type Caller = (typeof CALLERS)[number];

export interface ApiWorld {
  api: Api;
  a: StaffFixture;
  b: StaffFixture;
  tokens: Record<Exclude<Caller, 'anonymous'>, string>;
  a1: {
    caseId: string;
    sessionId: string;
    applicantId: string;
    respondentId: string;
    agentId: string;
    evidenceId: string;
    documentId: string;
    deliveryId: string;
    agreementId: string;
    institutionId: string;
    institutionKey: string;
    referralId: string;
    recordingId: string;
    trackId: string;
  };
  a2: { caseId: string };
}

interface Person {
  id: string;
  kind: string;
}

/** A party's invitation token whose expiry is already past (otherwise valid). */
export function expiredInvitationToken(invitationId: string, personId: string, caseId: string) {
  return jwt.sign(
    { caseId, role: 'party', name: '张三', exp: Math.floor(Date.now() / 1000) - 10 },
    TEST_SECRET,
    {
      algorithm: 'HS256',
      subject: personId,
      issuer: TOKEN_ISSUER,
      audience: INVITATION_TOKEN_AUDIENCE,
      jwtid: invitationId,
    },
  );
}

export async function buildApiWorld(t: TestServer): Promise<ApiWorld> {
  const api = apiClient(t.url);
  const repo = new SqlCaseRepository(t.server.database);
  const a = await seedStaff(repo);
  const b = await seedStaff(repo);
  const login = (username: string) => api.login(username, TEST_PASSWORD);
  const [clerkA, mediatorA, otherMediatorA, clerkB] = await Promise.all([
    login(a.clerk.username),
    login(a.mediator.username),
    login(a.otherMediator.username),
    login(b.clerk.username),
  ]);

  // Staff who lose their standing: a clerk deactivated, a mediator reassigned away from A1.
  const staffBody = (role: 'clerk' | 'mediator' | 'supervisor') => ({
    username: `${role}-${randomUUID().slice(0, 8)}`,
    displayName: role === 'clerk' ? '离职书记员' : role === 'mediator' ? '原调解员' : '监督员',
    role,
    password: 'a long enough password',
    ...(role === 'mediator' ? { specialties: ['wages'] } : {}),
  });
  const goneBody = staffBody('clerk');
  const gone = await api.ok<{ id: string }>('POST', '/staff', clerkA, goneBody);
  const deactivatedStaff = await api.login(goneBody.username, goneBody.password);
  await api.ok('POST', `/staff/${gone.id}/deactivate`, clerkA);
  const formerBody = staffBody('mediator');
  const former = await api.ok<{ id: string }>('POST', '/staff', clerkA, formerBody);
  const reassignedMediator = await api.login(formerBody.username, formerBody.password);
  const supervisorBody = staffBody('supervisor');
  await api.ok('POST', '/staff', clerkA, supervisorBody);
  const supervisorA = await api.login(supervisorBody.username, supervisorBody.password);

  const c1 = await api.ok<{ id: string }>('POST', '/cases', clerkA, registrationInput());
  const caseId = c1.id;
  await respondentsAgree(t.server.cases, caseId);
  await api.ok('POST', `/cases/${caseId}/accept`, clerkA);
  await api.ok('POST', `/cases/${caseId}/mediator`, clerkA, { mediatorId: former.id });
  await api.ok('POST', `/cases/${caseId}/mediator`, clerkA, { mediatorId: a.mediator.id });
  await api.ok('POST', `/cases/${caseId}/disclosures`, mediatorA, {
    hasConflict: false,
    statement: '与双方当事人无利害关系',
  });
  const session = await api.ok<{ id: string }>('POST', `/cases/${caseId}/sessions`, mediatorA, {
    scheduledStart: new Date(Date.now() + 3600_000).toISOString(),
  });
  const { people } = await api.ok<{ people: Person[] }>('GET', `/cases/${caseId}`, clerkA);
  const applicantId = people.find((p) => p.kind === 'applicant')!.id;
  const respondentId = people.find((p) => p.kind === 'respondent')!.id;
  const agent = await api.ok<{ id: string }>('POST', `/cases/${caseId}/people`, clerkA, {
    kind: 'agent',
    name: '钱律师',
    representsId: applicantId,
    powerOfAttorney: { scope: 'special', maySign: true },
  });
  const observer = await api.ok<{ id: string }>('POST', `/cases/${caseId}/people`, clerkA, {
    kind: 'observer',
    name: '孙旁听',
  });
  const invite = async (c: string, personId: string) =>
    api.ok<{ invitation: { id: string }; token: string }>(
      'POST',
      `/cases/${c}/invitations`,
      clerkA,
      { personId },
    );
  const applicant = await invite(caseId, applicantId);
  const respondent = await invite(caseId, respondentId);
  const agentInv = await invite(caseId, agent.id);
  const observerInv = await invite(caseId, observer.id);
  const revoked = await invite(caseId, applicantId);
  await api.ok('POST', `/cases/${caseId}/invitations/${revoked.invitation.id}/revoke`, clerkA);

  for (const token of [applicant.token, respondent.token]) {
    await api.ok('POST', `/cases/${caseId}/service-consent`, token, {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }],
      scope: 'all',
      effectAcknowledged: true,
    });
  }
  const notice = await api.ok<{ document: { id: string }; deliveries: { id: string }[] }>(
    'POST',
    `/cases/${caseId}/documents`,
    mediatorA,
    { kind: 'acceptance_notice', recipients: [applicantId] },
  );
  const agreement = await api.ok<{ document: { id: string } }>(
    'POST',
    `/cases/${caseId}/documents`,
    mediatorA,
    {
      kind: 'mediation_agreement',
      fields: { items: ['被申请人向申请人支付拖欠工资人民币10000元'], amount: 10000 },
      recipients: [applicantId, respondentId],
    },
  );
  const uploaded = await api.upload(caseId, applicant.token, Buffer.from('工资条\n'), 'pay.txt');
  if (uploaded.status !== 201) throw new Error(`upload: ${JSON.stringify(uploaded.body)}`);
  const evidenceId = (uploaded.body as { item: { id: string } }).item.id;

  const court = await api.ok<{ institution: { id: string }; apiKey: string }>(
    'POST',
    '/institutions',
    clerkA,
    { kind: 'court', name: '上海市浦东新区人民法院' },
  );
  const referral = await api.ok<{ referral: { id: string } }>(
    'POST',
    `/cases/${caseId}/referrals`,
    clerkA,
    { institutionId: court.institution.id, kind: 'delegated_report' },
  );
  const institution = await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
    institutionId: court.institution.id,
    apiKey: court.apiKey,
  });

  // A finished recording of the session with one track file, as the recorder leaves it.
  const recordingId = randomUUID();
  const trackId = randomUUID();
  const recordings = new SqlRecordingRepository(t.server.database);
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  const stoppedAt = new Date().toISOString();
  await recordings.insert({
    id: recordingId,
    caseId,
    sessionId: session.id,
    status: 'processing',
    startedAt,
    startedBy: a.mediator.id,
    stoppedAt,
    stopReason: 'stopped',
    privatePhases: [],
    compositeStatus: 'failed',
    compositeProgress: 0,
    composite: null,
    manifestSha256: null,
    manifestKid: null,
    completedAt: null,
  });
  const dir = t.server.recordings.directoryOf(recordingId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'track.webm'), Buffer.alloc(512, 1));
  await recordings.insertTrack({
    id: trackId,
    recordingId,
    participantId: applicantId,
    displayName: '张三',
    role: 'party',
    source: 'microphone',
    kind: 'audio',
    codec: 'opus',
    file: 'track.webm',
    pid: null,
    startedAt,
    endedAt: stoppedAt,
    endReason: 'producer-closed',
    endDetail: null,
    durationMs: 60_000,
    size: 512,
    sha256: null,
    pauses: [],
  });

  const c2 = await api.ok<{ id: string }>(
    'POST',
    '/cases',
    clerkA,
    registrationInput({ applicant: { name: '赵六', isOrganisation: false } }),
  );
  await respondentsAgree(t.server.cases, c2.id);
  await api.ok('POST', `/cases/${c2.id}/accept`, clerkA);
  const { people: people2 } = await api.ok<{ people: Person[] }>('GET', `/cases/${c2.id}`, clerkA);
  const applicantA2 = await invite(c2.id, people2.find((p) => p.kind === 'applicant')!.id);

  return {
    api,
    a,
    b,
    tokens: {
      clerkA,
      mediatorA,
      otherMediatorA,
      clerkB,
      applicantA1: applicant.token,
      respondentA1: respondent.token,
      agentA1: agentInv.token,
      observerA1: observerInv.token,
      applicantA2: applicantA2.token,
      institution: institution.token,
      deactivatedStaff,
      reassignedMediator,
      supervisorA,
      revokedInvitation: revoked.token,
      expiredInvitation: expiredInvitationToken(applicant.invitation.id, applicantId, caseId),
    },
    a1: {
      caseId,
      sessionId: session.id,
      applicantId,
      respondentId,
      agentId: agent.id,
      evidenceId,
      documentId: notice.document.id,
      deliveryId: notice.deliveries[0]!.id,
      agreementId: agreement.document.id,
      institutionId: court.institution.id,
      institutionKey: court.apiKey,
      referralId: referral.referral.id,
      recordingId,
      trackId,
    },
    a2: { caseId: c2.id },
  };
}
