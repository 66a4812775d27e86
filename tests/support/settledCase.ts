/**
 * A case settled the way users settle one, through the API: registered,
 * accepted, a mediator assigned, a session scheduled; both parties consent to electronic service;
 * the agreement is issued, signed by both parties and the mediator with
 * one-time codes, and sealed by the clerk — so it is effective.
 */
import { SqliteCaseRepository } from '../../server/db/SqliteCaseRepository.js';
import { SqliteDocumentRepository } from '../../server/db/SqliteDocumentRepository.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  type StaffFixture,
  respondentsAgree,
} from './cases.js';
import type { Api } from './evidenceHttp.js';
import type { TestServer } from './server.js';

export interface Person {
  id: string;
  kind: string;
  name: string;
}

export interface SettledCase {
  staff: StaffFixture;
  clerk: string;
  mediator: string;
  caseId: string;
  applicant: Person;
  respondent: Person;
  tokens: { applicant: string; respondent: string };
  agreementId: string;
}

const PHONES = { applicant: '13800000001', respondent: '13800000002' };

export async function settledCase(
  t: Pick<TestServer, 'server' | 'url'>,
  api: Api,
): Promise<SettledCase> {
  const staff = await seedStaff(new SqliteCaseRepository(t.server.database));
  const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
  const mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
  const c = await api.ok<{ id: string }>('POST', '/cases', clerk, registrationInput());
  const caseId = c.id;
  await respondentsAgree(t.server.cases, caseId);
  await api.ok('POST', `/cases/${caseId}/accept`, clerk);
  await api.ok('POST', `/cases/${caseId}/mediator`, clerk, { mediatorId: staff.mediator.id });
  await api.ok('POST', `/cases/${caseId}/disclosures`, mediator, {
    hasConflict: false,
    statement: '与本案当事人无利害关系',
  });
  // A scheduled session puts the case in mediation, where an agreement can be issued.
  await api.ok('POST', `/cases/${caseId}/sessions`, mediator, {
    scheduledStart: '2026-03-10T02:00:00.000Z',
    scheduledEnd: '2026-03-10T04:00:00.000Z',
  });
  const { people } = await api.ok<{ people: Person[] }>('GET', `/cases/${caseId}`, clerk);
  const applicant = people.find((p) => p.kind === 'applicant')!;
  const respondent = people.find((p) => p.kind === 'respondent')!;
  const invite = async (personId: string) =>
    (await api.ok<{ token: string }>('POST', `/cases/${caseId}/invitations`, clerk, { personId }))
      .token;
  const tokens = { applicant: await invite(applicant.id), respondent: await invite(respondent.id) };
  for (const side of ['applicant', 'respondent'] as const) {
    await api.ok('POST', `/cases/${caseId}/service-consent`, tokens[side], {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }, { channel: 'sms', value: PHONES[side] }],
      scope: 'all',
      effectAcknowledged: true,
    });
  }
  const { document } = await api.ok<{ document: { id: string } }>(
    'POST',
    `/cases/${caseId}/documents`,
    mediator,
    {
      kind: 'mediation_agreement',
      fields: {
        items: ['被申请人向申请人支付拖欠工资人民币10000元'],
        amount: 10000,
        performanceDeadline: '2026-12-31',
        performanceMethod: '银行转账',
      },
      recipients: [applicant.id, respondent.id],
    },
  );
  const path = `/cases/${caseId}/documents/${document.id}`;
  const outbox = new SqliteDocumentRepository(t.server.database);
  const sign = async (token: string, address: string) => {
    await api.ok('POST', `${path}/signing-code`, token, {});
    const sent = (await outbox.listOutbox({ caseId })).filter(
      (m) => m.purpose === 'signing_code' && m.address === address,
    );
    const code = /验证码 (\d{6})/.exec(sent.at(-1)?.body ?? '')?.[1];
    if (!code) throw new Error(`no signing code sent to ${address}`);
    await api.ok('POST', `${path}/sign`, token, { code });
  };
  await sign(tokens.applicant, PHONES.applicant);
  await sign(tokens.respondent, PHONES.respondent);
  await sign(mediator, staff.mediator.id);
  await api.ok('POST', `${path}/seal`, clerk, {});
  return {
    staff,
    clerk,
    mediator,
    caseId,
    applicant,
    respondent,
    tokens,
    agreementId: document.id,
  };
}
