/**
 * The dashboard route (issue 21, part 3) on the real server, either database: a centre and a
 * sub-district organisation, cases registered through the API in both, one accepted and
 * mediated by the centre's mediator in a session held in person, one withdrawn. The centre's
 * clerk sees both organisations' rows and every case, this month's caseload by dispute type,
 * the session in person; the sub-district's clerk sees only its own part and is told the
 * centre does not exist; a mediator is refused; a reversed or ten-year-plus period is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../server/cases/deadlines.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  TEST_PASSWORD,
  registrationInput,
  respondentsAgree,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, errorReason, type Api } from '../support/evidenceHttp.js';
import { subDistrict } from '../support/network.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Dashboard {
  organisation: { id: string };
  period: { from: string; to: string };
  totals: { received: number; open: number; withdrawn: number };
  months: {
    month: string;
    received: number;
    byType: Record<string, number>;
    sessionsInPerson: number;
  }[];
  sessions: { online: number; inPerson: number; cancelled: number };
  organisations: { id: string; received: number }[];
  mediators: { id: string; open: number; sessionsHeld: number }[];
  cases: { id: string; organisationId: string }[];
  byOutcome: { withdrawal: number; pending: number };
}

describe('the dashboard: an organisation and those below it, by role and reach', () => {
  let t: TestServer;
  let api: Api;
  let centre: StaffFixture;
  let clerk: string;
  let streetId: string;
  let streetClerk: string;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    centre = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(centre.clerk.username, TEST_PASSWORD);
    ({ streetId, streetClerk: streetClerk } = await subDistrict(
      api,
      clerk,
      centre.organisationId,
      'dash-street-clerk',
    ));
    const today = shanghaiDate(new Date());
    const register = async (token: string, disputeType: 'wages' | 'termination') =>
      (
        await api.ok<{ id: string }>(
          'POST',
          '/cases',
          token,
          registrationInput({ receivedOn: today, disputeType }),
        )
      ).id;
    ids.push(await register(clerk, 'wages'), await register(clerk, 'termination'));
    ids.push(await register(streetClerk, 'wages'));
    // The first: accepted, mediated in person, the session held.
    const [held, withdrawn] = ids as [string, string];
    await respondentsAgree(t.server.cases, held);
    await t.server.cases.accept(centre.clerk, held);
    await t.server.cases.assignMediator(centre.clerk, held, centre.mediator.id);
    await t.server.cases.disclose(centre.mediator, held, {
      hasConflict: false,
      statement: '无利害关系',
    });
    const mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    const session = await api.ok<{ id: string; mode: string }>(
      'POST',
      `/cases/${held}/sessions`,
      mediator,
      {
        scheduledStart: new Date().toISOString(),
        mode: 'in_person',
      },
    );
    expect(session.mode).toBe('in_person');
    await api.ok('POST', `/sessions/${session.id}/start`, mediator);
    await api.ok('POST', `/sessions/${session.id}/end`, mediator);
    await t.server.cases.withdraw(centre.clerk, withdrawn, '双方已自行和解');
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  it('shows the centre’s clerk both organisations, this month’s caseload and the session in person', async () => {
    const d = await api.ok<Dashboard>('GET', '/dashboard', clerk);
    expect(d.organisation.id).toBe(centre.organisationId);
    expect(d.months).toHaveLength(12);
    const thisMonth = d.months.at(-1)!;
    expect(thisMonth.received).toBe(3);
    expect(thisMonth.byType).toMatchObject({ wages: 2, termination: 1 });
    expect(thisMonth.sessionsInPerson).toBe(1);
    expect(d.sessions).toEqual({ online: 0, inPerson: 1, cancelled: 0 });
    expect(d.organisations.map((o) => [o.id, o.received])).toEqual([
      [centre.organisationId, 2],
      [streetId, 1],
    ]);
    expect(d.cases.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(d.byOutcome).toMatchObject({ withdrawal: 1, pending: 2 });
    expect(d.mediators.find((m) => m.id === centre.mediator.id)).toMatchObject({
      open: 1,
      sessionsHeld: 1,
    });
    // The sub-district alone, asked for by the centre's clerk.
    const street = await api.ok<Dashboard>('GET', `/dashboard?organisationId=${streetId}`, clerk);
    expect(street.cases.map((c) => c.organisationId)).toEqual([streetId]);
  });

  it('keeps each clerk to their own part, refuses mediators and unreasonable periods', async () => {
    const own = await api.ok<Dashboard>('GET', '/dashboard', streetClerk);
    expect(own.organisations.map((o) => o.id)).toEqual([streetId]);
    expect(own.totals.received).toBe(1);
    const up = await api.call(
      'GET',
      `/dashboard?organisationId=${centre.organisationId}`,
      streetClerk,
    );
    expect(up.status).toBe(404);
    const mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    expect((await api.call('GET', '/dashboard', mediator)).status).toBe(403);
    const reversed = await api.call('GET', '/dashboard?from=2026-06-01&to=2026-01-01', clerk);
    expect(reversed.status).toBe(400);
    expect(errorReason(reversed)).toBe('PERIOD_REVERSED');
    const long = await api.call('GET', '/dashboard?from=2010-01-01&to=2026-01-01', clerk);
    expect(errorReason(long)).toBe('PERIOD_TOO_LONG');
    const year = await api.ok<Dashboard>('GET', '/dashboard?from=2025-01-01&to=2025-12-31', clerk);
    expect(year.months.map((m) => m.month)).toHaveLength(12);
    expect(year.totals.received).toBe(0);
  });
});
