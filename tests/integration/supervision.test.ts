/**
 * Supervisors (issue 21, part 1): staff at a centre (or the bureau) who read, never edit, the
 * cases of their organisation and every one below it. A centre's supervisor lists the centre's
 * case and a sub-district organisation's, reads a case file without the parties' identity
 * numbers and contacts, and is refused every change, the evidence itself and the contact
 * details; an organisation added below after they signed in is in reach at once. A
 * sub-district supervisor reads nothing above. A deactivated supervisor is out at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  TEST_PASSWORD,
  caseInSession,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Correct-Horse-Battery-42';

describe('supervisors read their part of the network and change nothing', () => {
  let t: TestServer;
  let api: Api;
  let centre: StaffFixture;
  let clerk: string;
  let centreCase: string;
  let streetId: string;
  let streetClerk: string;
  let streetCase: string;
  let supervisor: string;
  let supervisorId: string;

  async function staff(token: string, role: string, username: string, organisationId?: string) {
    const body = { username, displayName: username, role, password: PASSWORD };
    const r = await api.ok<{ id: string }>('POST', '/staff', token, {
      ...body,
      ...(organisationId ? { organisationId } : {}),
    });
    return { id: r.id, token: await api.login(username, PASSWORD) };
  }

  const caseIds = async (token: string) =>
    (await api.ok<{ cases: { id: string }[] }>('GET', '/cases', token)).cases.map((c) => c.id);

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    centre = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(centre.clerk.username, TEST_PASSWORD);
    centreCase = (await caseInSession(t.server.cases, centre)).case.id;
    streetId = (
      await api.ok<{ id: string }>('POST', '/organisations', clerk, {
        name: '某某街道劳动争议调解委员会',
        kind: 'street_town',
        parentId: centre.organisationId,
      })
    ).id;
    streetClerk = (await staff(clerk, 'clerk', 'street-clerk', streetId)).token;
    streetCase = (await api.ok<{ id: string }>('POST', '/cases', streetClerk, registrationInput()))
      .id;
    ({ token: supervisor, id: supervisorId } = await staff(clerk, 'supervisor', 'centre-sup'));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('lists and reads the cases of the centre and below, without the parties’ personal data', async () => {
    expect((await caseIds(supervisor)).sort()).toEqual([centreCase, streetCase].sort());
    const file = await api.ok<{ people: Record<string, unknown>[] }>(
      'GET',
      `/cases/${streetCase}`,
      supervisor,
    );
    expect(file.people.length).toBeGreaterThan(0);
    for (const p of file.people) {
      expect(p['name']).toEqual(expect.any(String));
      expect(p).toMatchObject({ idNumber: null, phone: null, address: null });
    }
    // The clerk who runs the case sees them.
    const full = await api.ok<{ people: { idNumber: string | null }[] }>(
      'GET',
      `/cases/${streetCase}`,
      streetClerk,
    );
    expect(full.people.some((p) => p.idNumber !== null)).toBe(true);
    expect((await api.call('GET', `/cases/${centreCase}/audit`, supervisor)).status).toBe(200);
    expect((await api.call('GET', `/cases/${centreCase}/documents`, supervisor)).status).toBe(200);
  });

  it('is refused every change, the evidence itself and the contact details', async () => {
    const refused = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const r = await api.call(method, path, supervisor, body);
      expect(r.status, path).toBe(403);
      return (r.body as { error: { reason: string } }).error.reason;
    };
    expect(await refused('POST', '/cases', registrationInput())).toBe('SUPERVISOR_READS_ONLY');
    expect(await refused('POST', `/cases/${centreCase}/accept`)).toBe('SUPERVISOR_READS_ONLY');
    expect(
      await refused('POST', `/cases/${centreCase}/documents`, {
        kind: 'acceptance_notice',
        recipients: [],
      }),
    ).toBe('SUPERVISOR_READS_ONLY');
    expect(
      await refused('POST', '/organisations', {
        name: '监督员建立',
        kind: 'street_town',
        parentId: centre.organisationId,
      }),
    ).toBe('SUPERVISOR_READS_ONLY');
    expect(await refused('GET', `/cases/${centreCase}/service-consents`)).toBe(
      'SUPERVISOR_NO_CONTACT_DATA',
    );
    expect(await refused('GET', `/cases/${centreCase}/messages`)).toBe(
      'SUPERVISOR_NO_CONTACT_DATA',
    );
    // No session for them to join, no recordings to play.
    expect(await refused('POST', `/join-token`, {})).toBe('SUPERVISOR_READS_ONLY');
  });

  it('reaches an organisation added below at once; a sub-district supervisor reads nothing above', async () => {
    const townId = (
      await api.ok<{ id: string }>('POST', '/organisations', clerk, {
        name: '某某镇劳动争议调解委员会',
        kind: 'street_town',
        parentId: centre.organisationId,
      })
    ).id;
    const townClerk = (await staff(clerk, 'clerk', 'town-clerk', townId)).token;
    const townCase = (
      await api.ok<{ id: string }>('POST', '/cases', townClerk, registrationInput())
    ).id;
    expect(await caseIds(supervisor)).toContain(townCase);

    const streetSupervisor = (await staff(streetClerk, 'supervisor', 'street-sup')).token;
    expect(await caseIds(streetSupervisor)).toEqual([streetCase]);
    expect((await api.call('GET', `/cases/${centreCase}`, streetSupervisor)).status).toBe(404);
    expect((await api.call('GET', `/cases/${townCase}`, streetSupervisor)).status).toBe(404);
  });

  it('is out at once when deactivated', async () => {
    await api.ok('POST', `/staff/${supervisorId}/deactivate`, clerk, {});
    expect((await api.call('GET', '/cases', supervisor)).status).toBe(401);
  });
});
