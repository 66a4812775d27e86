/**
 * Tiles say 申请人 / 被申请人 / 代理人, not only 当事人: the session token a
 * party's invitation is exchanged for names the party's side (an agent's:
 * the side of the party represented), and every participant's info in the
 * live session carries it to the others.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvitationTokens, StaffTokens } from '../../server/auth/tokenKinds.js';
import type { CasePerson } from '../../server/cases/model.js';
import { personInputSchema } from '../../server/cases/schemas.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { caseInSession, seedStaff } from '../support/cases.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

describe('the procedural side of each participant', () => {
  let t: TestServer;
  let api: Api;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await t.close();
  });

  it('names the side in the session token and in the participant info the others see', async () => {
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    const agent = await t.server.cases.addPerson(
      staff.clerk,
      c.id,
      personInputSchema.parse({
        kind: 'agent',
        name: '赵律师',
        representsId: respondent.id,
        powerOfAttorney: { scope: 'general', maySign: false },
      }),
    );
    const exchange = async (person: CasePerson) => {
      const { invitation } = await t.server.cases.invite(staff.clerk, c.id, person.id, 7);
      const invite = new InvitationTokens(TEST_SECRET).issue(
        {
          sub: person.id,
          caseId: c.id,
          role: person.kind === 'agent' ? 'agent' : 'party',
          name: person.name,
        },
        3600,
        invitation.id,
      );
      return (await api.ok<{ token: string }>('POST', '/join-token', invite, {})).token;
    };
    const claims = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
        side?: string;
      };
    const tokens = {
      applicant: await exchange(applicant),
      respondent: await exchange(respondent),
      agent: await exchange(agent),
    };
    expect(claims(tokens.applicant).side).toBe('applicant');
    expect(claims(tokens.respondent).side).toBe('respondent');
    expect(claims(tokens.agent).side).toBe('respondent');
    const staffToken = new StaffTokens(TEST_SECRET).issue(
      {
        sub: staff.mediator.id,
        role: 'mediator',
        org: staff.organisationId,
        name: staff.mediator.name,
      },
      600,
    );
    const mediatorToken = (
      await api.ok<{ token: string }>('POST', '/join-token', staffToken, { sessionId: session.id })
    ).token;
    expect(claims(mediatorToken).side).toBeUndefined();

    const connect = async (token: string) => {
      const client = await connectClient(t.url, token);
      clients.push(client);
      return client;
    };
    const mediator = await connect(mediatorToken);
    await joinSession(mediator);
    await joinSession(await connect(tokens.applicant), {
      admitBy: mediator,
      overrideReason: '测试',
    });
    await joinSession(await connect(tokens.respondent), {
      admitBy: mediator,
      overrideReason: '测试',
    });
    // The agent, admitted last, sees everyone's side as the server knows it.
    const { participants, self } = await joinSession(await connect(tokens.agent), {
      admitBy: mediator,
      overrideReason: '测试',
    });
    expect(self.side).toBe('respondent');
    const sides = Object.fromEntries(participants.map((p) => [p.participantId, p.side ?? null]));
    expect(sides).toEqual({
      [staff.mediator.id]: null,
      [applicant.id]: 'applicant',
      [respondent.id]: 'respondent',
    });
  });
});
