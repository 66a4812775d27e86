/**
 * The mediator roster (issue 21, part 5) on the real server, either database: a centre with
 * its two mediators and an invited lawyer (特邀调解员), and a sub-district organisation with one
 * mediator. The centre's clerk sets kinds, expertise and specialties, records trainings (hours
 * this year and in all) and a yearly assessment (once per year), takes a mediator off the roster
 * with the reason, and reads each one's load and results. Future trainings and years, hours that
 * are not half-hours and a second assessment of a year are refused; the sub-district's clerk
 * keeps only its own; the supervisor reads all and changes nothing; a mediator is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  TEST_PASSWORD,
  caseInSession,
  seedStaff,
  seedSupervisor,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, errorReason, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Correct-Horse-Battery-42';

interface Entry {
  id: string;
  displayName: string;
  organisationId: string;
  active: boolean;
  mediatorKind: string;
  expertise: string | null;
  specialties: string[];
  deactivatedAt: string | null;
  deactivationReason: string | null;
  trainings: { title: string; hours: number }[];
  trainingHoursThisYear: number;
  trainingHoursTotal: number;
  assessments: { period: string; result: string }[];
  openCases: number;
}

describe('the mediator roster: kinds, training, assessments, deactivation, load', () => {
  let t: TestServer;
  let api: Api;
  let centre: StaffFixture;
  let clerk: string;
  let streetClerk: string;
  let streetMediator: string;
  let lawyer: string;
  const year = String(new Date(Date.now() + 8 * 3_600_000).getUTCFullYear());

  const roster = async (token = clerk) =>
    (await api.ok<{ mediators: Entry[] }>('GET', '/roster', token)).mediators;
  const entry = async (id: string, token = clerk) =>
    (await roster(token)).find((m) => m.id === id)!;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    const repo = new SqlCaseRepository(t.server.database);
    centre = await seedStaff(repo);
    clerk = await api.login(centre.clerk.username, TEST_PASSWORD);
    const staff = async (
      role: string,
      username: string,
      displayName: string,
      organisationId?: string,
    ) =>
      (
        await api.ok<{ id: string }>('POST', '/staff', clerk, {
          ...{ username, displayName, role, password: PASSWORD },
          ...(organisationId ? { organisationId } : {}),
        })
      ).id;
    const streetId = (
      await api.ok<{ id: string }>('POST', '/organisations', clerk, {
        name: '某某街道劳动争议调解委员会',
        kind: 'street_town',
        parentId: centre.organisationId,
      })
    ).id;
    await staff('clerk', 'roster-street-clerk', '街道书记员', streetId);
    streetClerk = await api.login('roster-street-clerk', PASSWORD);
    streetMediator = await staff('mediator', 'roster-street-mediator', '吴调解', streetId);
    lawyer = await staff('mediator', 'roster-lawyer', '赵律师');
    await seedSupervisor(repo, centre.organisationId, 'roster-supervisor');
    // The centre's mediator takes a case.
    await caseInSession(t.server.cases, centre);
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('lists every mediator below the clerk with kind, load and no training yet', async () => {
    const all = await roster();
    expect(all.map((m) => m.id).sort()).toEqual(
      [centre.mediator.id, centre.otherMediator.id, lawyer, streetMediator].sort(),
    );
    expect(await entry(centre.mediator.id)).toMatchObject({
      mediatorKind: 'staff',
      active: true,
      openCases: 1,
      trainingHoursTotal: 0,
      assessments: [],
    });
  });

  it('keeps an invited lawyer’s expertise and specialties, trainings and a yearly assessment', async () => {
    await api.ok('POST', `/staff/${lawyer}/profile`, clerk, {
      mediatorKind: 'invited',
      expertise: '执业律师（劳动法）',
      specialties: ['termination', 'economic_compensation', 'termination'],
    });
    await api.ok('POST', `/staff/${lawyer}/trainings`, clerk, {
      ...{ onDate: `${year}-01-05`, title: '劳动争议调解实务', hours: 8 },
      provider: '区人力资源和社会保障局',
    });
    await api.ok('POST', `/staff/${lawyer}/trainings`, clerk, {
      ...{ onDate: `${Number(year) - 1}-06-01`, title: '调解员岗前培训', hours: 4.5 },
      provider: '市调解协会',
    });
    const lastYear = String(Number(year) - 1);
    await api.ok('POST', `/staff/${lawyer}/assessments`, clerk, {
      ...{ period: lastYear, result: 'excellent' },
      note: '调解成功率高，群众满意',
    });
    expect(await entry(lawyer)).toMatchObject({
      mediatorKind: 'invited',
      expertise: '执业律师（劳动法）',
      specialties: ['termination', 'economic_compensation'],
      trainingHoursThisYear: 8,
      trainingHoursTotal: 12.5,
      assessments: [{ period: lastYear, result: 'excellent' }],
    });
    const twice = await api.call('POST', `/staff/${lawyer}/assessments`, clerk, {
      ...{ period: lastYear, result: 'incompetent' },
      note: '',
    });
    expect(twice.status).toBe(409);
    expect(errorReason(twice)).toBe('ASSESSMENT_EXISTS');
    const future = await api.call('POST', `/staff/${lawyer}/trainings`, clerk, {
      ...{ onDate: `${Number(year) + 1}-01-01`, title: '未来的培训', hours: 2 },
      provider: '某机构',
    });
    expect(errorReason(future)).toBe('TRAINING_IN_FUTURE');
    const odd = await api.call('POST', `/staff/${lawyer}/trainings`, clerk, {
      ...{ onDate: `${year}-01-06`, title: '半小时以下', hours: 0.3 },
      provider: '某机构',
    });
    expect(odd.status).toBe(400);
    const later = await api.call('POST', `/staff/${lawyer}/assessments`, clerk, {
      ...{ period: String(Number(year) + 1), result: 'competent' },
      note: '',
    });
    expect(errorReason(later)).toBe('ASSESSMENT_IN_FUTURE');
  });

  it('takes a mediator off the roster with the reason, kept on the roster', async () => {
    await api.ok('POST', `/staff/${centre.otherMediator.id}/deactivate`, clerk, {
      reason: '调离本单位',
    });
    const off = await entry(centre.otherMediator.id);
    expect(off).toMatchObject({ active: false, deactivationReason: '调离本单位' });
    expect(Date.parse(off.deactivatedAt!)).toBeGreaterThan(Date.now() - 60_000);
    const signIn = await api.call('POST', '/auth/login', undefined, {
      username: centre.otherMediator.username,
      password: TEST_PASSWORD,
    });
    expect(signIn.status).toBe(401);
  });

  it('keeps each clerk to their part; the supervisor reads, a mediator is refused', async () => {
    expect((await roster(streetClerk)).map((m) => m.id)).toEqual([streetMediator]);
    const up = await api.call('POST', `/staff/${lawyer}/trainings`, streetClerk, {
      ...{ onDate: `${year}-01-05`, title: '越级记录', hours: 1 },
      provider: '某机构',
    });
    expect(up.status).toBe(404);
    const supervisor = await api.login('roster-supervisor', TEST_PASSWORD);
    expect((await roster(supervisor)).length).toBe(4);
    expect(
      (
        await api.call('POST', `/staff/${lawyer}/profile`, supervisor, {
          ...{ mediatorKind: 'staff', expertise: null },
          specialties: [],
        })
      ).status,
    ).toBe(403);
    const mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    expect((await api.call('GET', '/roster', mediator)).status).toBe(403);
  });
});
