/**
 * The mediation network (issue 21, part 1): a district centre's clerk builds its tree (two
 * sub-district organisations, an enterprise committee under one), the kinds that may not stand
 * where asked are refused with the reason, a sibling of the same name (as people read it) is
 * refused, and an organisation outside the clerk's reach is "not found". The centre's clerk
 * gives a new sub-district organisation its first clerk, who sees only their own part of the
 * tree and their own cases, cannot reach up, and loses access when the centre deactivates them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Node {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  staff: number;
  openCases: number;
}

describe('the mediation network: organisations as a tree', () => {
  let t: TestServer;
  let api: Api;
  let centre: StaffFixture;
  let other: StaffFixture;
  let clerk: string;
  const created: Record<string, Node> = {};

  const create = (token: string, body: Record<string, unknown>) =>
    api.call('POST', '/organisations', token, body);

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    const repo = new SqlCaseRepository(t.server.database);
    centre = await seedStaff(repo);
    other = await seedStaff(repo);
    await caseInSession(t.server.cases, centre);
    clerk = await api.login(centre.clerk.username, TEST_PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('builds a centre’s tree and refuses what may not stand where asked', async () => {
    for (const [key, name, kind, parent] of [
      ['s1', '某某街道劳动争议调解委员会', 'street_town', () => centre.organisationId],
      ['s2', '某某镇劳动争议调解委员会', 'street_town', () => centre.organisationId],
      ['e1', '某某科技有限公司劳动争议调解委员会', 'enterprise_committee', () => created['s1']!.id],
    ] as const) {
      const r = await create(clerk, { name, kind, parentId: parent() });
      expect(r.status).toBe(201);
      created[key] = r.body as Node;
      expect(created[key]).toMatchObject({
        name,
        kind,
        parentId: parent(),
        staff: 0,
        openCases: 0,
      });
    }
    // Nothing under an enterprise committee; a sub-district organisation only under a centre;
    // the bureau only as a root.
    for (const [kind, parentId, parentKind] of [
      ['union_trade', created['e1']!.id, 'enterprise_committee'],
      ['street_town', created['s1']!.id, 'street_town'],
      ['bureau', centre.organisationId, 'district_centre'],
    ] as const) {
      const r = await create(clerk, { name: `不应建立的${kind}`, kind, parentId });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({
        error: { reason: 'ORGANISATION_KIND_NOT_UNDER', params: { kind, parentKind } },
      });
    }
    // The same name as people read it (spaces, full-width letters) under the same parent.
    const dup = await create(clerk, {
      name: ' 某某街道 劳动争议调解委员会 ',
      kind: 'street_town',
      parentId: centre.organisationId,
    });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ error: { reason: 'ORGANISATION_NAME_TAKEN' } });
    // Another centre's organisation is out of reach; a mediator adds nothing.
    expect(
      (
        await create(clerk, {
          name: '越权组织',
          kind: 'street_town',
          parentId: other.organisationId,
        })
      ).status,
    ).toBe(404);
    const mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    expect(
      (
        await create(mediator, {
          name: '调解员建立',
          kind: 'street_town',
          parentId: centre.organisationId,
        })
      ).status,
    ).toBe(403);

    const { organisations } = await api.ok<{ organisations: Node[] }>(
      'GET',
      '/organisations',
      clerk,
    );
    expect(organisations.map((o) => o.id)).toEqual([
      centre.organisationId,
      created['s1']!.id,
      created['s2']!.id,
      created['e1']!.id,
    ]);
    expect(organisations[0]).toMatchObject({
      kind: 'district_centre',
      parentId: null,
      staff: 3,
      openCases: 1,
    });
  });

  it('staffs a new organisation from the centre; its clerk sees only their part and loses access when deactivated', async () => {
    const s1 = created['s1']!;
    const added = await api.call('POST', '/staff', clerk, {
      username: 's1-clerk',
      displayName: '街道书记员',
      role: 'clerk',
      password: 'Correct-Horse-Battery-42',
      organisationId: s1.id,
    });
    expect(added.status).toBe(201);
    const s1Clerk = await api.login('s1-clerk', 'Correct-Horse-Battery-42');
    const { organisations } = await api.ok<{ organisations: Node[] }>(
      'GET',
      '/organisations',
      s1Clerk,
    );
    expect(organisations.map((o) => o.id)).toEqual([s1.id, created['e1']!.id]);
    expect(organisations[0]!.staff).toBe(1);
    // The centre's cases are not theirs.
    const { cases } = await api.ok<{ cases: unknown[] }>('GET', '/cases', s1Clerk);
    expect(cases).toEqual([]);
    // Nothing above or beside them: not under the centre, not staff for it or for S2.
    expect(
      (
        await create(s1Clerk, {
          name: '向上建立',
          kind: 'street_town',
          parentId: centre.organisationId,
        })
      ).status,
    ).toBe(404);
    for (const organisationId of [centre.organisationId, created['s2']!.id])
      expect(
        (
          await api.call('POST', '/staff', s1Clerk, {
            username: `up-${organisationId.slice(0, 6)}`,
            displayName: '越权账号',
            role: 'mediator',
            password: 'Correct-Horse-Battery-42',
            organisationId,
          })
        ).status,
      ).toBe(404);
    // Below them: the enterprise committee's first mediator.
    expect(
      (
        await api.call('POST', '/staff', s1Clerk, {
          username: 'e1-mediator',
          displayName: '企业调解员',
          role: 'mediator',
          password: 'Correct-Horse-Battery-42',
          organisationId: created['e1']!.id,
        })
      ).status,
    ).toBe(201);
    // The centre takes them off the roster: their token stops working.
    const id = (added.body as { id: string }).id;
    await api.ok('POST', `/staff/${id}/deactivate`, clerk, {});
    expect((await api.call('GET', '/organisations', s1Clerk)).status).toBe(401);
    // The other centre's clerk cannot deactivate anyone of this tree.
    const otherClerk = await api.login(other.clerk.username, TEST_PASSWORD);
    const e1Mediator = await api.login('e1-mediator', 'Correct-Horse-Battery-42');
    const me = await api.ok<{ id: string }>('GET', '/me', e1Mediator);
    expect((await api.call('POST', `/staff/${me.id}/deactivate`, otherClerk, {})).status).toBe(404);
  });
});
