/**
 * `npm start` runs this before the server: creates the database (migrations;
 * PostgreSQL when DATABASE_URL is set, else DATA_DIR's SQLite file)
 * and, the first time, a demo organisation with a clerk, a mediator and a
 * wage-arrears case with two parties, accepted and with a session scheduled, and a
 * demo court (its API key printed) whose delegated case waits in the clerk's queue, and the
 * network's sub-district clerk and supervisor with cases the risk ledger warns of
 * (demoNetwork.ts).
 * Prints how to sign in and the join links. Staff passwords are generated
 * once and kept in DATA_DIR/secrets/demo-credentials.json (mode 0600);
 * invitation links are reused until revoked or expired.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_PASSWORD_SCORE, ratePassword } from '../auth/passwordPolicy.js';
import { hashPassword } from '../auth/passwords.js';
import { SessionTokens } from '../auth/SessionTokens.js';
import { InvitationTokens } from '../auth/tokenKinds.js';
import type { Actor } from '../cases/access.js';
import { CaseService } from '../cases/CaseService.js';
import { shanghaiDate } from '../cases/deadlines.js';
import { CalendarService } from '../cases/CalendarService.js';
import type { CasePerson } from '../cases/model.js';
import { registerCaseSchema } from '../cases/schemas.js';
import { ConfigError, loadConfig } from '../config.js';
import { SqlAuditLog } from '../db/SqlAuditLog.js';
import { SqlCalendarYears } from '../db/SqlCalendarYears.js';
import { SqlCaseRepository } from '../db/SqlCaseRepository.js';
import { SqlMediatorRoster } from '../db/SqlMediatorRoster.js';
import { SqlInboundReferralRepository } from '../db/SqlInboundReferralRepository.js';
import { SqlInstitutionRepository } from '../db/SqlInstitutionRepository.js';
import { inboundReferralSchema } from '../../signaling/http/inboundReferrals.js';
import { newInboundReferral } from '../institutions/InboundReferrals.js';
import { InstitutionService } from '../institutions/InstitutionService.js';
import { openDatabase } from '../db/openDatabase.js';
import { SqlApplicationRepository } from '../db/SqlApplicationRepository.js';
import type { OnlineApplication } from '../applications/model.js';
import { applicationNumber } from '../applications/OnlineApplications.js';
import { canonicalJson } from '../audit/AuditChain.js';
import { applicationFormSchema } from '../../signaling/http/applications.js';
import { creditCodeCheckChar } from '../../signaling/identifiers.js';
import { createLogger } from '../logger.js';
import { seedDemoHistory } from './demoHistory.js';
import { seedDemoNetwork, type DemoNetworkState } from './demoNetwork.js';

const ORG_ID = 'demo-org';
const LINK_DAYS = 30;

interface DemoState {
  clerk: { id: string; username: string; password: string };
  mediator: { id: string; username: string; password: string };
  caseId: string;
  invitations: Record<string, { invitationId: string; token: string }>;
  /** The demo court (institution API) and the referral it made; absent in older demos. */
  court?: { id: string; apiKey: string; referralId: string };
  /** A worker's online application waiting in the intake queue; absent in older demos. */
  application?: { id: string; number: string };
  /** The network's sub-district clerk, the centre's supervisor, cases the risk ledger warns of. */
  network?: DemoNetworkState;
}

/** Random, and held to the same policy as passwords a clerk sets (a rare weak draw is redrawn). */
function demoPassword(username: string): string {
  for (;;) {
    const candidate = randomBytes(12).toString('base64url');
    if (ratePassword(candidate, [username]).score >= MIN_PASSWORD_SCORE) return candidate;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('warn');
  const database = await openDatabase(config.database, config.dataDir, logger);
  const repository = new SqlCaseRepository(database);
  const audit = new SqlAuditLog(database);
  // The same calendar as the service: shipped years, years clerks added, WORK_CALENDAR_*.
  const { calendar } = await CalendarService.open({
    years: new SqlCalendarYears(database),
    cases: repository,
    audit,
    operator: config.calendar,
  });
  const cases = new CaseService({ repository, audit, calendar });
  const stateFile = path.join(config.dataDir, 'secrets', 'demo-credentials.json');
  try {
    const state =
      existsSync(stateFile) && (await repository.getOrganisation(ORG_ID))
        ? (JSON.parse(readFileSync(stateFile, 'utf8')) as DemoState)
        : await createDemo(repository, cases);
    const { clerk, mediator } = demoActors(state);
    // A demo before courts could hand cases over gets its court now.
    state.court ??= await demoCourt(database, repository, audit, clerk);
    // …and an online application waiting in the queue.
    state.application ??= await demoApplication(database);
    // …and the network's other staff, with cases the risk ledger warns of, and a year of
    // past work for the dashboard.
    state.network ??= await seedDemoNetwork(repository, cases, clerk, demoPassword);
    state.network.streetMediator ??= await seedDemoHistory({
      ...{ repository, audit, calendar, centre: { clerk, mediator }, password: demoPassword },
      roster: new SqlMediatorRoster(database),
      street: {
        clerk: {
          ...{ kind: 'staff', id: state.network.streetClerk.id, role: 'clerk' },
          ...{ organisationId: 'demo-street-1', name: '周书记员' },
        },
      },
    });

    const file = await cases.file(clerk, state.caseId);
    let session = file.sessions.find((s) => s.status === 'live' || s.status === 'scheduled');
    if (!session && (file.case.status === 'in_mediation' || file.case.status === 'accepted')) {
      session = await cases.scheduleSession(mediator, state.caseId, {
        scheduledStart: new Date().toISOString(),
      });
    }
    const invitationTokens = new InvitationTokens(config.auth.jwtSecret);
    const people = file.people.filter((p) => p.kind !== 'agent');
    for (const person of people) {
      const existing = state.invitations[person.id];
      if (existing && (await cases.activeInvitation(existing.invitationId))) continue;
      const { invitation } = await cases.invite(clerk, state.caseId, person.id, LINK_DAYS);
      const ttl = Math.floor((Date.parse(invitation.expiresAt) - Date.now()) / 1000);
      const token = invitationTokens.issue(
        { sub: person.id, caseId: state.caseId, role: roleOf(person), name: person.name },
        ttl,
        invitation.id,
      );
      state.invitations[person.id] = { invitationId: invitation.id, token };
    }
    // JWT_SECRET from the environment: nothing created the secrets directory yet.
    mkdirSync(path.dirname(stateFile), { recursive: true, mode: 0o700 });
    writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });

    const base =
      config.http.publicUrl ??
      `${config.http.tls ? 'https' : 'http'}://${['0.0.0.0', '::', '127.0.0.1'].includes(config.http.host) ? 'localhost' : config.http.host}:${config.http.port}`;
    const mediatorLink = session
      ? `${base}/join#token=${new SessionTokens(config.auth.jwtSecret).issue({ sub: state.mediator.id, caseId: state.caseId, sessionId: session.id, role: 'mediator', name: '王调解' }, 12 * 3600)}`
      : '(no session scheduled)';
    const label: Record<string, string> = {
      applicant: '申请人（劳动者）Applicant (worker)',
      respondent: '被申请人（用人单位）Respondent (employer)',
      observer: '旁听人 Observer',
    };
    const lines = [
      '',
      `演示案件 Demo case ${file.case.caseNumber} (${state.caseId})`,
      '',
      `工作人员控制台 Staff console (cases, recordings): ${base}/console`,
      `  书记员 Clerk     username ${state.clerk.username}  password ${state.clerk.password}`,
      `  调解员 Mediator  username ${state.mediator.username}  password ${state.mediator.password}`,
      `  街道书记员 Sub-district clerk  username ${state.network.streetClerk.username}  password ${state.network.streetClerk.password}`,
      `  监督员 Supervisor  username ${state.network.supervisor.username}  password ${state.network.supervisor.password}`,
      `  数据看板 Dashboard: ${base}/console#/dashboard`,
      `  风险台账 Risk ledger: ${base}/console#/risks`,
      `  API: POST ${base}/api/auth/login; reference ${base}/api/openapi.json; public keys ${base}/.well-known/jwks.json`,
      '',
      `网上申请 Online application (public, phone first):`,
      `  ${base}/apply   — ${state.application.number} waits under 网上申请 in the console`,
      '',
      `短信与邮件 SMS and e-mail go through the demo's loopback SMS gateway (SMPP) and mail relay, which deliver nothing;`,
      `  read what was sent in the console: ${base}/console#/demo-messages  (or: npm run outbox)`,
      '',
      `演示法院 Demo court (institution API; its delegated case waits under 机构移交的案件 in the console):`,
      `  institutionId ${state.court.id}  apiKey ${state.court.apiKey}  (POST ${base}/api/institution/token)`,
      '',
      '加入调解 Join the session (open each in its own browser tab or device; the mediator admits the others from the waiting room):',
      `  调解员 Mediator (12 h)\n    ${mediatorLink}`,
      ...people.map(
        (p) =>
          `  ${label[p.kind] ?? p.kind} — ${p.name} (invitation, ${LINK_DAYS} days)\n    ${base}/join#invite=${state.invitations[p.id]?.token ?? ''}`,
      ),
      '',
      'Stop the service with Ctrl+C.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await database.close();
  }
}

/** The demo's clerk and mediator as they act on the case. */
function demoActors(state: DemoState): { clerk: Actor; mediator: Actor } {
  const staff = (id: string, role: 'clerk' | 'mediator', name: string): Actor => ({
    kind: 'staff',
    id,
    role,
    organisationId: ORG_ID,
    name,
  });
  return {
    clerk: staff(state.clerk.id, 'clerk', '李书记员'),
    mediator: staff(state.mediator.id, 'mediator', '王调解'),
  };
}

function roleOf(p: CasePerson): 'party' | 'agent' | 'observer' {
  return p.kind === 'observer' ? 'observer' : p.kind === 'agent' ? 'agent' : 'party';
}

/**
 * A demo court registered by the clerk (its API key kept with the demo's credentials), and a
 * wage case it delegated to the organisation, waiting for the clerk's decision.
 */
async function demoCourt(
  database: Awaited<ReturnType<typeof openDatabase>>,
  cases: SqlCaseRepository,
  audit: SqlAuditLog,
  clerk: Actor,
): Promise<NonNullable<DemoState['court']>> {
  const institutions = new InstitutionService({
    repository: new SqlInstitutionRepository(database),
    cases,
    audit,
    webhookPolicy: { httpAllowlist: [] },
  });
  const { institution, apiKey } = await institutions.register(clerk, {
    kind: 'court',
    name: '上海市某区人民法院（演示）',
  });
  const year = shanghaiDate(new Date()).slice(0, 4);
  const referral = newInboundReferral(
    { id: institution.id, organisationId: ORG_ID, institutionKind: 'court' },
    inboundReferralSchema.parse({
      caseNumber: `（${year}）沪0115民诉前调${String(Math.floor(Math.random() * 9000) + 1000)}号`,
      kind: 'delegated',
      disputeType: 'economic_compensation',
      priorityGroups: ['dispatched_worker'],
      application: {
        requests: '请求被申请人支付违法解除劳动合同赔偿金人民币 36,000 元。',
        factsAndReasons:
          '申请人经劳务派遣在被申请人处工作三年，被申请人以岗位调整为由单方解除劳动合同，未支付经济补偿。',
        claimTypes: ['economic_compensation'],
        amountClaimed: 36000,
      },
      applicant: {
        name: '王五',
        idNumber: '310115198503151230',
        phone: '13900000000',
        address: '上海市浦东新区某路 200 号',
      },
      respondent: {
        name: '某某人力资源有限公司',
        idNumber: '91310000MA1FL00000',
        isOrganisation: true,
        legalRepresentative: '赵六',
        address: '上海市徐汇区某路 3 号',
      },
      note: '诉前委派调解，请于三十日内反馈结果（演示数据）。',
    }),
    new Date().toISOString(),
  );
  await new SqlInboundReferralRepository(database).insert(referral);
  return { id: institution.id, apiKey, referralId: referral.id };
}

/** A worker's application as the public page would have submitted it, waiting for the clerk. */
async function demoApplication(
  database: Awaited<ReturnType<typeof openDatabase>>,
): Promise<NonNullable<DemoState['application']>> {
  const now = new Date();
  const employerCode = `91310115MA1FL2026`;
  const form = applicationFormSchema.parse({
    applicantRole: 'worker',
    address: '上海市闵行区某路 88 弄 6 号',
    employer: {
      name: '上海某某餐饮管理有限公司（演示）',
      creditCode: employerCode + creditCodeCheckChar(employerCode),
      address: '上海市闵行区某路 1 号',
      legalRepresentative: '钱七',
      contactPhone: '13900002222',
    },
    disputeType: 'wages',
    priorityGroups: ['platform_worker'],
    claims: [{ type: 'wages', amount: 9800 }],
    requests: '支付 2026 年 9 月、10 月工资共 9800 元。',
    factsAndReasons:
      '申请人 2025 年 6 月起在被申请人门店担任厨师，月工资 4900 元；2026 年 9 月起被申请人以经营困难为由拖欠工资至今。',
    consentToElectronicService: true,
    truthful: true,
  });
  const application: OnlineApplication = {
    id: randomUUID(),
    organisationId: ORG_ID,
    number: applicationNumber(now),
    status: 'submitted',
    applicantName: '孙八',
    applicantIdNumber: '310101199001011234',
    applicantPhone: '13900001111',
    form,
    formSha256: createHash('sha256').update(canonicalJson(form)).digest('hex'),
    createdAt: now.toISOString(),
    submittedAt: now.toISOString(),
    decidedAt: null,
    decidedBy: null,
    reason: null,
    caseId: null,
  };
  await new SqlApplicationRepository(database).insertApplication(application);
  return { id: application.id, number: application.number! };
}

async function createDemo(repository: SqlCaseRepository, cases: CaseService): Promise<DemoState> {
  const password = demoPassword;
  const state: DemoState = {
    clerk: { id: randomUUID(), username: 'clerk', password: password('clerk') },
    mediator: { id: randomUUID(), username: 'mediator', password: password('mediator') },
    caseId: '',
    invitations: {},
  };
  await repository.transaction(async () => {
    if (!(await repository.getOrganisation(ORG_ID))) {
      await repository.insertOrganisation({
        id: ORG_ID,
        name: '上海市某区劳动人事争议人民调解委员会（演示）',
        kind: 'district_centre',
      });
    }
    // The centre's network (issue 21): two sub-district organisations, an enterprise committee.
    for (const [id, name, kind, parentId] of [
      ['demo-street-1', '某区某某街道劳动争议调解委员会（演示）', 'street_town', ORG_ID],
      ['demo-town-1', '某区某某镇劳动争议调解委员会（演示）', 'street_town', ORG_ID],
      [
        'demo-enterprise-1',
        '某某科技有限公司劳动争议调解委员会（演示）',
        'enterprise_committee',
        'demo-street-1',
      ],
    ] as const)
      if (!(await repository.getOrganisation(id)))
        await repository.insertOrganisation({ id, name, kind, parentId });
    const now = new Date().toISOString();
    for (const [who, role, name, specialties] of [
      [state.clerk, 'clerk', '李书记员', []],
      [state.mediator, 'mediator', '王调解', ['wages', 'termination', 'economic_compensation']],
    ] as const) {
      const taken = await repository.getStaffByUsername(who.username);
      if (taken) who.username = `${who.username}-${who.id.slice(0, 6)}`;
      await repository.insertStaff({
        id: who.id,
        organisationId: ORG_ID,
        username: who.username,
        displayName: name,
        role,
        specialties: [...specialties],
        active: true,
        createdAt: now,
        passwordHash: await hashPassword(who.password),
      });
    }
  });
  const { clerk, mediator } = demoActors(state);

  const c = await cases.register(
    clerk,
    registerCaseSchema.parse({
      intakeMode: 'written',
      disputeType: 'wages',
      source: 'party_application',
      priorityGroups: ['migrant_worker'],
      receivedOn: shanghaiDate(new Date()),
      application: {
        requests: '请求被申请人支付 2025 年 11 月至 2026 年 1 月拖欠工资共计人民币 18,600 元。',
        factsAndReasons:
          '申请人于 2025 年 3 月入职被申请人处从事装配工作，约定月工资 6,200 元。自 2025 年 11 月起被申请人未按时足额支付工资，经多次催要未果。',
        claimTypes: ['wages'],
        amountClaimed: 18600,
      },
      applicant: {
        name: '张三',
        idNumber: '310101199001011234',
        phone: '13800000000',
        address: '上海市闵行区某路 100 弄',
        serviceAddress: 'in-app',
      },
      respondent: {
        name: '某某科技有限公司',
        idNumber: '91310000MA1FL00000',
        isOrganisation: true,
        legalRepresentative: '李四',
        phone: '02100000000',
        address: '上海市浦东新区某路 1 号',
        serviceAddress: 'in-app',
      },
    }),
  );
  state.caseId = c.id;
  await cases.addPerson(clerk, c.id, { kind: 'observer', name: '赵工会', isOrganisation: false });
  // A party application is accepted only once the respondent agreed to mediation (on its page).
  const respondent = (await cases.file(clerk, c.id)).people.find((p) => p.kind === 'respondent');
  if (respondent)
    await cases.respondToMediation(
      {
        kind: 'person',
        id: respondent.id,
        role: 'party',
        caseId: c.id,
        invitationId: 'demo-seed',
        name: respondent.name,
      },
      c.id,
      { decision: 'agree', note: '同意由本组织调解（演示数据）' },
    );
  await cases.accept(clerk, c.id);
  await cases.assignMediator(clerk, c.id, state.mediator.id);
  await cases.disclose(mediator, c.id, {
    hasConflict: false,
    statement: '本人与双方当事人及其代理人均无利害关系。',
  });
  await cases.scheduleSession(mediator, c.id, { scheduledStart: new Date().toISOString() });
  return state;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(2);
});
