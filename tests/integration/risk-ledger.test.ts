/**
 * The risk ledger (风险台账) and its early warning (issue 21, part 2), on the real server with
 * either database. A centre with a sub-district organisation below it; real cases registered
 * through the API: a dispute of three workers claiming 150,000 yuan in wages against an
 * employer that two more cases name (one in the sub-district organisation), and a case that
 * triggers nothing. The scan opens exactly three entries with their figures, alerts the
 * centre's clerk and supervisor in the app and the duty e-mail address and mobile, with no
 * party's name in any of them, and a second scan changes nothing.
 *
 * Who sees what: the sub-district clerk nothing of the centre's; the supervisor everything but
 * may change nothing; the mediator the entries naming their case; another mediator nothing.
 * An entry's life: an owner, an owner's action, a condition that clears (the entry stays open,
 * marked) and recurs (the same entry), a closing note; a closed entry stays quiet while its
 * condition holds and a recurrence after the condition cleared opens a new one. Two scanning
 * processes at once open each entry once; the deadline pass runs the scan; the history is
 * append-only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { SqlJobLeases } from '../../server/db/SqlJobLeases.js';
import { SqlRiskLedger } from '../../server/db/SqlRiskLedger.js';
import { processIdentity } from '../../server/jobs/JobLeases.js';
import { createLogger } from '../../server/logger.js';
import { RiskLedger } from '../../server/risk/RiskLedger.js';
import {
  TEST_PASSWORD,
  registrationInput,
  respondentsAgree,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Correct-Horse-Battery-42';
const EMPLOYER = { name: '甲物流有限公司', code: '91310115MA1K3XY07Q' };

interface Entry {
  id: string;
  organisationId: string;
  rule: string;
  level: string;
  subject: string;
  figures: Record<string, number | string>;
  cases: { id: string; caseNumber: string }[];
  status: string;
  active: boolean;
  owner: { id: string; displayName: string } | null;
  closingNote: string | null;
}
interface Detail {
  entry: Entry;
  actions: { kind: string; note: string; by: string | null; byName: string | null }[];
}

const SETTINGS = {
  collectiveWorkers: 3,
  wageArrearsAmount: 100_000,
  repeatEmployerCases: 3,
  // The fixtures' cases were received months ago: their acceptance deadlines are long past.
  overdueDays: null,
  unperformedDays: 0,
  failedSessions: 2,
  alertEmail: 'duty@centre.example.cn',
  alertPhone: '13900001111',
};

describe('the risk ledger: early warning from case data, entries followed up and closed', () => {
  let t: TestServer;
  let api: Api;
  let centre: StaffFixture;
  let clerk: string;
  let mediator: string;
  let otherMediator: string;
  let supervisor: string;
  let supervisorId: string;
  let streetId: string;
  let streetClerk: string;
  let collective: string;
  let sameFirm: string;
  let streetFirm: string;

  const entries = async (token: string, query = '') =>
    (await api.ok<{ entries: Entry[]; unowned: number }>('GET', `/risks${query}`, token)).entries;
  const scan = (token = clerk) =>
    api.ok<{ opened: number; updated: number; cleared: number }>('POST', '/risks/scan', token);
  const setSettings = (organisationId: string, body: object, token = clerk) =>
    api.ok('POST', `/organisations/${organisationId}/risk-settings`, token, body);
  const byRule = (list: Entry[], rule: string) => list.find((e) => e.rule === rule);

  async function register(
    token: string,
    over: { amountClaimed?: number; employer?: { name: string; code: string } } = {},
  ): Promise<string> {
    const base = registrationInput();
    const employer = over.employer ?? EMPLOYER;
    return (
      await api.ok<{ id: string }>(
        'POST',
        '/cases',
        token,
        registrationInput({
          application: { ...base.application, amountClaimed: over.amountClaimed ?? 12_000 },
          respondent: { ...base.respondent, name: employer.name, idNumber: employer.code },
        }),
      )
    ).id;
  }

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    centre = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(centre.clerk.username, TEST_PASSWORD);
    mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    otherMediator = await api.login(centre.otherMediator.username, TEST_PASSWORD);
    streetId = (
      await api.ok<{ id: string }>('POST', '/organisations', clerk, {
        name: '某某街道劳动争议调解委员会',
        kind: 'street_town',
        parentId: centre.organisationId,
      })
    ).id;
    const staff = async (role: string, username: string, organisationId?: string) => {
      const r = await api.ok<{ id: string }>('POST', '/staff', clerk, {
        ...{ username, displayName: username, role, password: PASSWORD },
        ...(organisationId ? { organisationId } : {}),
      });
      return { id: r.id, token: await api.login(username, PASSWORD) };
    };
    streetClerk = (await staff('clerk', `street-clerk-${randomUUID().slice(0, 6)}`, streetId))
      .token;
    ({ token: supervisor, id: supervisorId } = await staff(
      'supervisor',
      `centre-sup-${randomUUID().slice(0, 6)}`,
    ));
    await setSettings(centre.organisationId, SETTINGS);
    await setSettings(streetId, { ...SETTINGS, alertEmail: null, alertPhone: null });

    collective = await register(clerk, { amountClaimed: 150_000 });
    for (const name of ['李四', '王五'])
      await api.ok('POST', `/cases/${collective}/people`, clerk, {
        kind: 'applicant',
        name,
        idNumber: null,
        phone: null,
      });
    sameFirm = await register(clerk);
    streetFirm = await register(streetClerk);
    await register(clerk, { employer: { name: '乙餐饮管理有限公司', code: '91310104MA1FR2AB3C' } });
    // The mediator takes the collective case.
    await respondentsAgree(t.server.cases, collective);
    await t.server.cases.accept(centre.clerk, collective);
    await t.server.cases.assignMediator(centre.clerk, collective, centre.mediator.id);
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('opens three entries with the figures that triggered them, and alerts without naming a party', async () => {
    expect(await scan()).toEqual({ opened: 3, updated: 0, cleared: 0 });
    const list = await entries(clerk);
    expect(list.map((e) => e.rule).sort()).toEqual(
      ['collective_dispute', 'repeat_employer', 'wage_arrears'].sort(),
    );
    expect(byRule(list, 'collective_dispute')).toMatchObject({
      organisationId: centre.organisationId,
      level: 'high',
      figures: { workers: 3, threshold: 3 },
      status: 'open',
      active: true,
      owner: null,
    });
    expect(byRule(list, 'wage_arrears')?.figures).toEqual({
      amountClaimed: 150_000,
      threshold: 100_000,
    });
    // The employer's three open cases span the centre and the street: the centre's entry.
    const employer = byRule(list, 'repeat_employer')!;
    expect(employer.subject).toBe(EMPLOYER.name);
    expect(employer.cases.map((c) => c.id).sort()).toEqual(
      [collective, sameFirm, streetFirm].sort(),
    );
    expect(employer.cases.every((c) => c.caseNumber.length > 0)).toBe(true);

    const alerts = (await new SqlDocumentRepository(t.server.database).listOutbox({})).filter(
      (m) => m.purpose === 'risk_alert',
    );
    const to = (address: string) => alerts.filter((m) => m.address === address).length;
    expect(to(`staff:${centre.clerk.id}`)).toBe(3);
    expect(to(`staff:${supervisorId}`)).toBe(3);
    expect(to(SETTINGS.alertEmail)).toBe(3);
    expect(to(SETTINGS.alertPhone)).toBe(3);
    expect(alerts).toHaveLength(12);
    for (const m of alerts) {
      expect(m.body).not.toMatch(/张三|李四|王五|310101199001011234|13800000000/);
      expect(m.body).toContain('风险台账');
    }
    expect(await scan()).toEqual({ opened: 0, updated: 0, cleared: 0 });
  });

  it('shows each entry to those it concerns: not to another organisation, read-only to the supervisor', async () => {
    const centreIds = (await entries(clerk)).map((e) => e.id).sort();
    expect(await entries(streetClerk)).toEqual([]);
    expect((await api.call('GET', `/risks/${centreIds[0]}`, streetClerk)).status).toBe(404);
    expect(
      (await api.call('GET', `/risks?organisationId=${centre.organisationId}`, streetClerk)).status,
    ).toBe(404);
    // The supervisor at the centre reads the centre's and the street's ledgers.
    expect((await entries(supervisor)).map((e) => e.id).sort()).toEqual(centreIds);
    const refused = await api.call('POST', `/risks/${centreIds[0]}/close`, supervisor, {
      note: '监督员不能销号关闭条目。',
    });
    expect(refused.status).toBe(403);
    // The mediator sees the entries naming the collective case (all three); another, none.
    expect((await entries(mediator)).map((e) => e.id).sort()).toEqual(centreIds);
    expect(await entries(otherMediator)).toEqual([]);
    expect((await api.call('GET', `/risks/${centreIds[0]}`, otherMediator)).status).toBe(404);
  });

  it('follows an entry up: owner, actions, cleared and recurred, closed with a note', async () => {
    const entry = byRule(await entries(clerk), 'collective_dispute')!;
    const owned = await api.ok<Detail>('POST', `/risks/${entry.id}/owner`, clerk, {
      staffId: centre.mediator.id,
    });
    expect(owned.entry.owner?.id).toBe(centre.mediator.id);
    expect((await api.ok<{ unowned: number }>('GET', '/risks', clerk)).unowned).toBe(2);
    // Only an active clerk or mediator of the organisation may own it.
    const stranger = await api.call('POST', `/risks/${entry.id}/owner`, clerk, {
      staffId: supervisorId,
    });
    expect(stranger.status).toBe(400);
    expect((stranger.body as { error: { reason: string } }).error.reason).toBe(
      'RISK_OWNER_UNKNOWN',
    );
    await api.ok('POST', `/risks/${entry.id}/actions`, mediator, {
      note: '已约谈用人单位，要求三日内提出工资支付方案',
    });
    // Below the threshold now: marked cleared, still open; above again: the same entry recurs.
    await setSettings(centre.organisationId, { ...SETTINGS, collectiveWorkers: 10 });
    expect((await scan()).cleared).toBe(1);
    const cleared = await api.ok<Detail>('GET', `/risks/${entry.id}`, clerk);
    expect(cleared.entry).toMatchObject({ status: 'open', active: false });
    await setSettings(centre.organisationId, SETTINGS);
    expect(await scan()).toMatchObject({ opened: 0, updated: 1 });
    const closed = await api.ok<Detail>('POST', `/risks/${entry.id}/close`, clerk, {
      note: '用人单位已分两期足额支付，劳动者均已确认收到。',
    });
    expect(closed.entry).toMatchObject({ status: 'closed', active: true });
    expect(closed.actions.map((a) => a.kind)).toEqual([
      'opened',
      'owner',
      'action',
      'cleared',
      'recurred',
      'closed',
    ]);
    expect(closed.actions[2]).toMatchObject({ by: centre.mediator.id });
    expect(closed.actions[0]?.note).toContain('涉及劳动者 3 人');
    for (const late of [
      api.call('POST', `/risks/${entry.id}/close`, clerk, { note: '再次关闭这一条目试试看。' }),
      api.call('POST', `/risks/${entry.id}/actions`, clerk, { note: '关闭后补记' }),
    ]) {
      const r = await late;
      expect(r.status).toBe(409);
      expect((r.body as { error: { reason: string } }).error.reason).toBe('RISK_ENTRY_CLOSED');
    }
    // Handled while the condition holds: no new entry. Cleared and back: a new one.
    expect((await scan()).opened).toBe(0);
    await setSettings(centre.organisationId, { ...SETTINGS, collectiveWorkers: 10 });
    await scan();
    await setSettings(centre.organisationId, SETTINGS);
    expect((await scan()).opened).toBe(1);
    const again = byRule(await entries(clerk), 'collective_dispute')!;
    expect(again.id).not.toBe(entry.id);
    expect((await entries(clerk, '?status=closed')).map((e) => e.id)).toEqual([entry.id]);
  });

  it('refuses thresholds out of range and an organisation outside the clerk’s reach', async () => {
    const bad = await api.call(
      'POST',
      `/organisations/${centre.organisationId}/risk-settings`,
      clerk,
      {
        ...SETTINGS,
        alertPhone: '021-5555',
      },
    );
    expect(bad.status).toBe(400);
    const zero = await api.call(
      'POST',
      `/organisations/${centre.organisationId}/risk-settings`,
      clerk,
      {
        ...SETTINGS,
        collectiveWorkers: 1,
      },
    );
    expect(zero.status).toBe(400);
    const up = await api.call(
      'POST',
      `/organisations/${centre.organisationId}/risk-settings`,
      streetClerk,
      SETTINGS,
    );
    expect(up.status).toBe(404);
    // The centre's clerk sets the street's; the street's clerk reads them.
    await setSettings(streetId, { ...SETTINGS, failedSessions: 5 });
    const read = await api.ok<{ settings: { failedSessions: number }; defaults: boolean }>(
      'GET',
      `/organisations/${streetId}/risk-settings`,
      streetClerk,
    );
    expect(read).toMatchObject({ settings: { failedSessions: 5 }, defaults: false });
  });

  it('opens an entry once when two processes scan at once, and the deadline pass scans too', async () => {
    const twoProcesses = [0, 1].map(
      () =>
        new RiskLedger({
          repo: new SqlRiskLedger(t.server.database),
          cases: new SqlCaseRepository(t.server.database),
          notifications: { send: async () => ({ id: randomUUID() }) },
          logger: createLogger('silent'),
          jobs: {
            leases: new SqlJobLeases(t.server.database),
            owner: processIdentity(),
            leaseMs: 30_000,
          },
        }),
    );
    const big = await register(clerk, {
      amountClaimed: 500_000,
      employer: { name: '丙建设工程有限公司', code: '91310120MA1HK4CD5E' },
    });
    const results = await Promise.all(twoProcesses.map((l) => l.scan()));
    // Whichever held the lease scanned; the other found it taken, or scanned after and found
    // the entry there.
    expect(results.reduce((n, r) => n + r.opened, 0)).toBe(1);
    const wage = (await entries(clerk)).filter(
      (e) => e.rule === 'wage_arrears' && e.cases.some((c) => c.id === big),
    );
    expect(wage).toHaveLength(1);
    expect(wage[0]?.level).toBe('high');

    const another = await register(clerk, {
      amountClaimed: 120_000,
      employer: { name: '丁商贸有限公司', code: '91310106MA1G5EF6G7' },
    });
    await t.server.scheduler.tick();
    const found = (await entries(clerk)).filter((e) => e.cases.some((c) => c.id === another));
    expect(found.map((e) => e.rule)).toEqual(['wage_arrears']);
  });

  it('keeps the history append-only in the database', async () => {
    const [first] = await entries(clerk);
    const change = t.server.database.run('UPDATE risk_actions SET note = ? WHERE risk_id = ?', [
      'rewritten',
      first!.id,
    ]);
    await expect(change).rejects.toThrow(/append-only/);
    const remove = t.server.database.run('DELETE FROM risk_actions WHERE risk_id = ?', [first!.id]);
    await expect(remove).rejects.toThrow(/append-only/);
  });
});
