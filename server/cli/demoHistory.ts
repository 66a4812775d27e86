/**
 * A year of the demo network's past work (issue 21), seeded once by seed-demo.ts so that every
 * dashboard chart has something to draw: about forty cases received over the last eleven months
 * by the centre and the sub-district organisation, each taken through the real procedure
 * (registered, accepted, a mediator assigned and disclosing, a session held online or in person,
 * then an agreement, a termination or a withdrawal) by a CaseService whose clock is set to the
 * day each step happened. The draws come from a fixed seed, so every demo has the same history.
 * The case records carry those days; the audit events carry the day the demo was seeded.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../cases/access.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { CaseService } from '../cases/CaseService.js';
import type { WorkCalendar } from '../cases/deadlines.js';
import type { DisputeType } from '../cases/model.js';
import { registerCaseSchema } from '../cases/schemas.js';
import type { SqlCaseRepository } from '../db/SqlCaseRepository.js';
import { hashPassword } from '../auth/passwords.js';
import type { RosterRepository } from '../organisations/MediatorRoster.js';
import { creditCodeCheckChar } from '../../signaling/identifiers.js';

const EMPLOYERS = [
  ['上海某某电子科技有限公司（演示）', '91310117MA1J2KL34'],
  ['上海某某餐饮管理有限公司（演示）', '91310101MA1FP5QR6'],
  ['上海某某建筑劳务有限公司（演示）', '91310118MA1H7ET80'],
  ['上海某某保洁服务有限公司（演示）', '91310105MA1G9UW12'],
  ['上海某某快递有限公司（演示）', '91310112MA1K3XY45'],
] as const;
const NAMES = ['林', '黄', '高', '罗', '梁', '宋', '唐', '许', '韩', '冯', '邓', '曹'];
const TYPES: DisputeType[] = [
  'wages',
  'wages',
  'wages',
  'termination',
  'economic_compensation',
  'social_insurance',
  'work_injury',
  'working_hours',
];

/** A fixed-seed generator (mulberry32): the same history for every demo. */
function draws(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY_MS = 86_400_000;

export interface DemoHistoryDeps {
  repository: SqlCaseRepository;
  audit: AuditLog;
  calendar: WorkCalendar;
  centre: { clerk: Actor; mediator: Actor };
  street: { clerk: Actor };
  password: (username: string) => string;
  /** The roster's records: the sub-district's mediator is an invited lawyer, with training. */
  roster: RosterRepository;
}

/** Seeds the history; returns the sub-district mediator's account (it handles its cases). */
export async function seedDemoHistory(
  d: DemoHistoryDeps,
): Promise<{ id: string; username: string; password: string }> {
  const account = { id: randomUUID(), username: 'street-mediator', password: '' };
  account.password = d.password(account.username);
  if (await d.repository.getStaffByUsername(account.username))
    account.username = `${account.username}-${account.id.slice(0, 6)}`;
  await d.repository.insertStaff({
    ...{ id: account.id, organisationId: 'demo-street-1', username: account.username },
    ...{ displayName: '吴调解', role: 'mediator', specialties: ['wages', 'termination'] },
    ...{ active: true, createdAt: new Date().toISOString() },
    passwordHash: await hashPassword(account.password),
  });
  await d.roster.setProfile(account.id, {
    mediatorKind: 'invited',
    expertise: '执业律师（劳动法）',
    specialties: ['wages', 'termination'],
  });
  for (const [staffId, title, hours, monthsAgo] of [
    [account.id, '劳动争议调解员岗前培训', 16, 10],
    [account.id, '劳动争议调解实务', 8, 2],
    [d.centre.mediator.id, '集体劳动争议调处专题培训', 6, 4],
  ] as const)
    await d.roster.insertTraining({
      ...{ id: randomUUID(), staffId, title, hours, provider: '区人力资源和社会保障局（演示）' },
      onDate: new Date(Date.now() - monthsAgo * 30 * DAY_MS).toISOString().slice(0, 10),
      recordedBy: d.centre.clerk.id,
      recordedAt: new Date().toISOString(),
    });
  const streetMediator: Actor = {
    kind: 'staff',
    id: account.id,
    role: 'mediator',
    organisationId: 'demo-street-1',
    name: '吴调解',
  };
  let clock = new Date();
  const cases = new CaseService({
    repository: d.repository,
    audit: d.audit,
    calendar: d.calendar,
    now: () => clock,
  });
  const random = draws(20261205);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const today = Date.now();
  for (let monthsAgo = 11; monthsAgo >= 1; monthsAgo -= 1) {
    const count = 2 + Math.floor(random() * 4);
    for (let n = 0; n < count; n += 1) {
      const inStreet = random() < 0.35;
      const clerk = inStreet ? d.street.clerk : d.centre.clerk;
      const mediator = inStreet ? streetMediator : d.centre.mediator;
      // Received on a day of that month, at 10:00 Shanghai time.
      const received = new Date(
        today - monthsAgo * 30 * DAY_MS - Math.floor(random() * 25) * DAY_MS,
      );
      received.setUTCHours(2, 0, 0, 0);
      clock = received;
      const [employer, code] = pick(EMPLOYERS);
      const disputeType = pick(TYPES);
      const amount = 3_000 + Math.round(random() * 60) * 1_000;
      const c = await cases.register(
        clerk,
        registerCaseSchema.parse({
          intakeMode: 'written',
          disputeType,
          source: random() < 0.7 ? 'party_application' : 'arbitration_delegated',
          priorityGroups: random() < 0.5 ? ['migrant_worker'] : [],
          receivedOn: new Date(received.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
          application: {
            requests: `请求被申请人支付相关款项人民币 ${amount.toLocaleString('zh-CN')} 元。（演示历史数据）`,
            factsAndReasons: '申请人与被申请人因劳动报酬等事项发生争议，协商未果。（演示历史数据）',
            claimTypes: [disputeType === 'wages' ? 'wages' : 'economic_compensation'],
            amountClaimed: amount,
          },
          applicant: { name: `${pick(NAMES)}某某`, isOrganisation: false },
          respondent: {
            name: employer,
            idNumber: code + creditCodeCheckChar(code),
            isOrganisation: true,
            legalRepresentative: '钱某',
          },
        }),
      );
      const step = (days: number) => {
        clock = new Date(clock.getTime() + days * DAY_MS);
      };
      step(1);
      const outcome = random();
      if (outcome < 0.08) {
        await cases.withdraw(clerk, c.id, '申请人与被申请人已自行和解，申请撤回。');
        continue;
      }
      if (c.source === 'party_application') {
        const respondent = (await cases.file(clerk, c.id)).people.find(
          (p) => p.kind === 'respondent',
        )!;
        await cases.respondToMediation(
          {
            ...{ kind: 'person', id: respondent.id, role: 'party', caseId: c.id },
            ...{ invitationId: 'demo-history', name: respondent.name },
          },
          c.id,
          { decision: 'agree', note: '同意调解（演示历史数据）' },
        );
      }
      await cases.accept(clerk, c.id);
      await cases.assignMediator(clerk, c.id, mediator.id);
      await cases.disclose(mediator, c.id, {
        hasConflict: false,
        statement: '与双方当事人均无利害关系。',
      });
      step(2 + Math.floor(random() * 8));
      const session = await cases.scheduleSession(mediator, c.id, {
        scheduledStart: clock.toISOString(),
        mode: random() < 0.35 ? 'in_person' : 'online',
      });
      await cases.setSessionState(mediator, session.id, 'live');
      step(1 / 24);
      await cases.setSessionState(mediator, session.id, 'ended');
      step(Math.floor(random() * 6));
      if (outcome < 0.72)
        await cases.recordAgreement(mediator, c.id, {
          terms: `被申请人于十日内支付申请人人民币 ${Math.round(amount * 0.8).toLocaleString('zh-CN')} 元。（演示历史数据）`,
        });
      else
        await cases.terminate(mediator, c.id, {
          ground: outcome < 0.9 ? 'party_refuses' : 'no_agreement_in_time',
          facts: '双方分歧较大，未能达成调解协议。（演示历史数据）',
        });
    }
  }
  return account;
}
