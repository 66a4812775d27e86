/**
 * A case settled the way users settle one, through the API: registered,
 * accepted, a mediator assigned, a session scheduled; both parties consent to electronic service;
 * the agreement is issued, signed by both parties and the mediator with
 * one-time codes, and sealed by the clerk — so it is effective.
 */
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  type StaffFixture,
  respondentsAgree,
} from './cases.js';
import { pngBytes, type Api } from './evidenceHttp.js';
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
  /** Earlier versions of the agreement, superseded and never signed (see `drafts`). */
  draftIds: string[];
  /** With `effect: 'paper'`: the scan of the agreement signed on paper. */
  scan: { id: string; sha256: string; bytes: Buffer } | null;
}

const PHONES = { applicant: '13800000001', respondent: '13800000002' };

export interface SettledCaseOptions {
  claimTypes?: string[];
  /** The agreed performance deadline (default 2030-12-31, years ahead: no test becomes payment-order eligible with time). */
  performanceDeadline?: string;
  /** How many earlier versions of the agreement to issue (and serve) before the one signed. */
  drafts?: number;
  /** How the agreement takes effect: signed online and sealed (default), or signed on paper. */
  effect?: 'seal' | 'paper';
  /** The same as `effect: 'paper'`. */
  paper?: boolean;
  /** Stop once the agreement is issued: nobody signed, nothing recorded. */
  unsigned?: boolean;
  /** The parties' mobile numbers (signing codes are limited per number: many cases need their own). */
  phones?: { applicant: string; respondent: string };
}

export async function settledCase(
  t: Pick<TestServer, 'server' | 'url'>,
  api: Api,
  options: SettledCaseOptions = {},
): Promise<SettledCase> {
  const phones = options.phones ?? PHONES;
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
  const mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
  const input = registrationInput();
  if (options.claimTypes) {
    (input.application as { claimTypes: string[] }).claimTypes = options.claimTypes;
  }
  const c = await api.ok<{ id: string }>('POST', '/cases', clerk, input);
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
      addresses: [{ channel: 'in_app' }, { channel: 'sms', value: phones[side] }],
      scope: 'all',
      effectAcknowledged: true,
    });
  }
  const draftIds: string[] = [];
  for (let i = 0; i < (options.drafts ?? 0); i++) {
    const { document: draft } = await api.ok<{ document: { id: string } }>(
      'POST',
      `/cases/${caseId}/documents`,
      mediator,
      {
        kind: 'mediation_agreement',
        fields: {
          items: [`草稿${i + 1}：被申请人向申请人支付人民币${6000 + i * 1000}元`],
          amount: 6000 + i * 1000,
          performanceDeadline: '2030-12-31',
          performanceMethod: '银行转账',
        },
        recipients: [applicant.id, respondent.id],
        ...(draftIds.length > 0 ? { replaces: draftIds.at(-1) } : {}),
      },
    );
    draftIds.push(draft.id);
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
        performanceDeadline: options.performanceDeadline ?? '2030-12-31',
        performanceMethod: '银行转账',
      },
      recipients: [applicant.id, respondent.id],
      ...(draftIds.length > 0 ? { replaces: draftIds.at(-1) } : {}),
    },
  );
  const path = `/cases/${caseId}/documents/${document.id}`;
  const outbox = new SqlDocumentRepository(t.server.database);
  const sign = async (token: string, address: string) => {
    await api.ok('POST', `${path}/signing-code`, token, {});
    const sent = (await outbox.listOutbox({ caseId })).filter(
      (m) => m.purpose === 'signing_code' && m.address === address,
    );
    const code = /验证码 (\d{6})/.exec(sent.at(-1)?.body ?? '')?.[1];
    if (!code) throw new Error(`no signing code sent to ${address}`);
    await api.ok('POST', `${path}/sign`, token, { code });
  };
  let scan: SettledCase['scan'] = null;
  if (options.unsigned) {
    // Left for the test to sign.
  } else if (options.effect === 'paper' || options.paper) {
    const bytes = pngBytes();
    const filed = await api.upload(caseId, mediator, bytes, '调解协议书签署页.png', {
      title: '已签署调解协议书',
      purpose: '纸质签署的调解协议书',
      originalOrCopy: 'copy',
      category: 'signed_agreement',
    });
    if (filed.status !== 201) throw new Error(`scan upload: ${filed.status}`);
    const item = (filed.body as { item: { id: string; sha256: string } }).item;
    scan = { id: item.id, sha256: item.sha256, bytes };
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    await api.ok('POST', `${path}/paper-signing`, mediator, {
      evidenceId: scan.id,
      signatories: [applicant, respondent].map((p) => ({ partyId: p.id, signedOn: today })),
      mediatorSignedOn: today,
      attestation: '各方当事人当面签名，经调解员核对身份',
    });
  } else {
    await sign(tokens.applicant, phones.applicant);
    await sign(tokens.respondent, phones.respondent);
    await sign(mediator, staff.mediator.id);
    await api.ok('POST', `${path}/seal`, clerk, {});
  }
  return {
    staff,
    clerk,
    mediator,
    caseId,
    applicant,
    respondent,
    tokens,
    agreementId: document.id,
    draftIds,
    scan,
  };
}
