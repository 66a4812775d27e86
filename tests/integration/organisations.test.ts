/**
 * The mediation network (issue 21, part 1): a district centre's clerk builds its tree (two
 * sub-district organisations, an enterprise committee under one), the kinds that may not stand
 * where asked are refused with the reason, a sibling of the same name (as people read it) is
 * refused, and an organisation outside the clerk's reach is "not found". The centre's clerk
 * gives a new sub-district organisation its first clerk, who sees only their own part of the
 * tree and their own cases, cannot reach up, and loses access when the centre deactivates them.
 * A case moves from the centre to a sub-district organisation with reasons: it takes the
 * receiving organisation's next number (the number it left is never given again), loses its
 * mediator, keeps its parties, and both parties are told by SMS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import {
  TEST_PASSWORD,
  caseInSession,
  registrationInput,
  respondentsAgreeOverHttp,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
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

  it('moves a case to a sub-district organisation with reasons; the parties are told, the number is never reused', async () => {
    const s1 = created['s1']!;
    const s1Clerk = (
      await api.call('POST', '/staff', clerk, {
        username: 's1-clerk-2',
        displayName: '街道书记员二',
        role: 'clerk',
        password: 'Correct-Horse-Battery-42',
        organisationId: s1.id,
      })
    ).status;
    expect(s1Clerk).toBe(201);
    const s1Token = await api.login('s1-clerk-2', 'Correct-Horse-Battery-42');
    const mediator = await api.login(centre.mediator.username, TEST_PASSWORD);
    const registered = await api.ok<{ id: string; caseNumber: string }>(
      'POST',
      '/cases',
      clerk,
      registrationInput({ receivedOn: '2026-11-30' }),
    );
    await respondentsAgreeOverHttp(api, clerk, registered.id);
    await api.ok('POST', `/cases/${registered.id}/accept`, clerk);
    await api.ok('POST', `/cases/${registered.id}/mediator`, clerk, {
      mediatorId: centre.mediator.id,
    });
    expect((await api.call('GET', `/cases/${registered.id}`, mediator)).status).toBe(200);
    const transfer = (token: string, body: Record<string, unknown>, caseId = registered.id) =>
      api.call('POST', `/cases/${caseId}/transfer`, token, body);
    const reason = '被申请人注册地及用工地均在某某街道，由街道调解组织就近调解。';
    // Refused: reasons too short, the same organisation, another network's, by a mediator.
    expect((await transfer(clerk, { organisationId: s1.id, reason: '就近' })).status).toBe(400);
    expect(
      (await transfer(clerk, { organisationId: centre.organisationId, reason })).body,
    ).toMatchObject({ error: { reason: 'CASE_TRANSFER_SAME_ORGANISATION' } });
    expect(
      (await transfer(clerk, { organisationId: other.organisationId, reason })).body,
    ).toMatchObject({ error: { reason: 'CASE_TRANSFER_TARGET_UNKNOWN' } });
    expect((await transfer(mediator, { organisationId: s1.id, reason })).status).toBe(403);
    // A case in mediation stays where it is.
    const inSession = (await caseInSession(t.server.cases, centre)).case.id;
    expect(
      (await transfer(clerk, { organisationId: s1.id, reason }, inSession)).body,
    ).toMatchObject({ error: { reason: 'CASE_TRANSITION_INVALID' } });

    const moved = await transfer(clerk, { organisationId: s1.id, reason });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      case: {
        id: registered.id,
        organisationId: s1.id,
        caseNumber: '2026-000001',
        mediatorId: null,
      },
      from: { id: centre.organisationId },
      to: { id: s1.id, name: s1.name },
      previousNumber: registered.caseNumber,
    });
    // Now the sub-district organisation's: its clerk has it, the centre's clerk and the
    // mediator who had it do not; a second move by the centre finds nothing.
    const s1Cases = await api.ok<{ cases: { id: string }[] }>('GET', '/cases', s1Token);
    expect(s1Cases.cases.map((c) => c.id)).toContain(registered.id);
    expect((await api.call('GET', `/cases/${registered.id}`, clerk)).status).toBe(404);
    expect((await api.call('GET', `/cases/${registered.id}`, mediator)).status).toBe(404);
    expect((await transfer(clerk, { organisationId: s1.id, reason })).status).toBe(404);
    // The audit trail (its chain intact) says from where, to where, why and under which numbers.
    expect(
      (await api.ok<{ ok: boolean }>('GET', `/cases/${registered.id}/audit`, s1Token)).ok,
    ).toBe(true);
    const events = await new SqlAuditLog(t.server.database).list(registered.id);
    const transferred = events.find((e) => e.action === 'case.transferred');
    expect(JSON.parse(String(transferred?.payload))).toMatchObject({
      from: centre.organisationId,
      to: s1.id,
      reason,
      previousNumber: registered.caseNumber,
      caseNumber: '2026-000001',
      previousMediator: centre.mediator.id,
    });
    // Both parties are told by SMS where the case is and under which number.
    const sms = (
      await new SqlDocumentRepository(t.server.database).listOutbox({ caseId: registered.id })
    ).filter((m) => m.purpose === 'case_transferred');
    expect(sms.length).toBeGreaterThanOrEqual(1);
    for (const m of sms) {
      expect(m.body).toContain(`原案号${registered.caseNumber}`);
      expect(m.body).toContain(`新案号2026-000001`);
      expect(m.body).toContain(s1.name);
    }
    // The centre's next case does not take the number the moved case left behind.
    const next = await api.ok<{ caseNumber: string }>(
      'POST',
      '/cases',
      clerk,
      registrationInput({ receivedOn: '2026-12-01' }),
    );
    expect(next.caseNumber).not.toBe(registered.caseNumber);
    expect(Number(next.caseNumber.slice(5))).toBeGreaterThan(
      Number(registered.caseNumber.slice(5)),
    );
  });
});
