/**
 * The demo's network at work (issue 21), seeded once by seed-demo.ts: a clerk of the
 * sub-district organisation, a supervisor at the centre, and cases that the risk ledger's
 * default thresholds warn about when the service starts (its first deadline pass runs the
 * scan): a collective wage dispute of ten workers claiming 236,000 yuan (collective dispute,
 * large wage arrears), two more open cases against the same logistics company, one of them in
 * the sub-district (one employer, several cases: the centre's entry), and a sub-district case
 * received twelve days ago whose acceptance decision is overdue.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/passwords.js';
import type { Actor } from '../cases/access.js';
import type { CaseService } from '../cases/CaseService.js';
import { addDays, shanghaiDate } from '../cases/deadlines.js';
import { registerCaseSchema } from '../cases/schemas.js';
import type { SqlCaseRepository } from '../db/SqlCaseRepository.js';
import { creditCodeCheckChar } from '../../signaling/identifiers.js';

export interface DemoAccount {
  id: string;
  username: string;
  password: string;
}

export interface DemoNetworkState {
  streetClerk: DemoAccount;
  supervisor: DemoAccount;
  /** The sub-district's mediator, made with the demo's history (demoHistory.ts). */
  streetMediator?: DemoAccount;
}

const LOGISTICS = '91310115MA1K3XY07';
const WORKERS = ['张三', '李明', '王芳', '赵强', '孙丽', '周杰', '吴刚', '郑红', '冯军', '陈静'];

function registration(
  receivedOn: string,
  over: {
    disputeType: 'wages' | 'termination';
    requests: string;
    amount: number;
    claim: 'wages' | 'economic_compensation';
    applicant: string;
    employer: { name: string; code: string };
  },
) {
  return registerCaseSchema.parse({
    intakeMode: 'written',
    disputeType: over.disputeType,
    source: 'party_application',
    priorityGroups: ['migrant_worker'],
    receivedOn,
    application: {
      requests: over.requests,
      factsAndReasons:
        '申请人在被申请人处工作，被申请人未依法支付相应款项，经多次协商未果。（演示数据）',
      claimTypes: [over.claim],
      amountClaimed: over.amount,
    },
    applicant: { name: over.applicant, isOrganisation: false },
    respondent: {
      name: over.employer.name,
      idNumber: over.employer.code,
      isOrganisation: true,
      legalRepresentative: '钱某',
      address: '上海市某区某路 8 号',
    },
  });
}

export async function seedDemoNetwork(
  repository: SqlCaseRepository,
  cases: CaseService,
  centreClerk: Actor,
  password: (username: string) => string,
): Promise<DemoNetworkState> {
  const account = (username: string): DemoAccount => ({
    id: randomUUID(),
    username,
    password: password(username),
  });
  const state: DemoNetworkState = {
    streetClerk: account('street-clerk'),
    supervisor: account('supervisor'),
  };
  const now = new Date().toISOString();
  for (const [who, role, name, organisationId] of [
    [state.streetClerk, 'clerk', '周书记员', 'demo-street-1'],
    [state.supervisor, 'supervisor', '孙监督员', 'demo-org'],
  ] as const) {
    if (await repository.getStaffByUsername(who.username))
      who.username = `${who.username}-${who.id.slice(0, 6)}`;
    await repository.insertStaff({
      ...{ id: who.id, organisationId, username: who.username, displayName: name, role },
      ...{ specialties: [], active: true, createdAt: now },
      passwordHash: await hashPassword(who.password),
    });
  }
  const streetClerk: Actor = {
    kind: 'staff',
    id: state.streetClerk.id,
    role: 'clerk',
    organisationId: 'demo-street-1',
    name: '周书记员',
  };
  const today = shanghaiDate(new Date());
  const logistics = {
    name: '上海某某物流有限公司（演示）',
    code: LOGISTICS + creditCodeCheckChar(LOGISTICS),
  };

  const collective = await cases.register(
    centreClerk,
    registration(today, {
      disputeType: 'wages',
      requests: '请求被申请人支付十名申请人 2026 年 8 月至 10 月拖欠工资共计人民币 236,000 元。',
      amount: 236_000,
      claim: 'wages',
      applicant: WORKERS[0]!,
      employer: logistics,
    }),
  );
  for (const name of WORKERS.slice(1))
    await cases.addPerson(centreClerk, collective.id, {
      kind: 'applicant',
      name,
      isOrganisation: false,
    });
  await cases.register(
    centreClerk,
    registration(today, {
      disputeType: 'termination',
      requests: '请求被申请人支付违法解除劳动合同赔偿金人民币 32,000 元。',
      amount: 32_000,
      claim: 'economic_compensation',
      applicant: '刘洋',
      employer: logistics,
    }),
  );
  await cases.register(
    streetClerk,
    registration(today, {
      disputeType: 'wages',
      requests: '请求被申请人支付拖欠工资人民币 9,800 元。',
      amount: 9_800,
      claim: 'wages',
      applicant: '何平',
      employer: logistics,
    }),
  );
  const cafe = '91310112MA1G8HJK2';
  await cases.register(
    streetClerk,
    registration(addDays(today, -12), {
      disputeType: 'wages',
      requests: '请求被申请人支付加班工资人民币 4,300 元。',
      amount: 4_300,
      claim: 'wages',
      applicant: '马超',
      employer: { name: '上海某某咖啡有限公司（演示）', code: cafe + creditCodeCheckChar(cafe) },
    }),
  );
  return state;
}
