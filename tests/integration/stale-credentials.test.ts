/**
 * Finding 3: a session token (signed for a week) is honoured only while what
 * it names is true — at the handshake, at every join, and live: deactivating
 * a staff member, reassigning the case, revoking an invitation or ending the
 * session closes the connections it withdraws, with a reason the client
 * shows, and the holder's evidence view links stop working.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InvitationTokens,
  RecordingAccessTokens,
  StaffTokens,
} from '../../server/auth/tokenKinds.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { Actor } from '../../server/cases/access.js';
import { caseInSession, seedStaff } from '../support/cases.js';
import { connectClient, joinSession, refusal, type TestClient } from '../support/client.js';
import { apiClient, pngBytes, type Api } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

type Staff = Extract<Actor, { kind: 'staff' }>;

describe('stale session credentials (finding 3)', () => {
  let t: TestServer;
  let api: Api;
  let repo: SqlCaseRepository;
  const staffTokens = new StaffTokens(TEST_SECRET);
  const clients: TestClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    repo = new SqlCaseRepository(t.server.database);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await t.close();
  });

  const staffToken = (s: Staff) =>
    staffTokens.issue({ sub: s.id, role: s.role, org: s.organisationId, name: s.name }, 600);

  /** A case in session, with the session token the mediator gets from /api/join-token. */
  async function world() {
    const staff = await seedStaff(repo);
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    const mediatorToken = (
      await api.ok<{ token: string }>('POST', '/join-token', staffToken(staff.mediator), {
        sessionId: session.id,
      })
    ).token;
    const applicant = people.find((p) => p.kind === 'applicant')!;
    /** The applicant's invitation, exchanged for a session token as the join page does. */
    const partyToken = async () => {
      const { invitation } = await t.server.cases.invite(staff.clerk, c.id, applicant.id, 7);
      const invite = new InvitationTokens(TEST_SECRET).issue(
        { sub: applicant.id, caseId: c.id, role: 'party', name: applicant.name },
        3600,
        invitation.id,
      );
      const { token } = await api.ok<{ token: string }>('POST', '/join-token', invite, {});
      return { token, invitationId: invitation.id };
    };
    return { staff, c, session, applicant, mediatorToken, partyToken };
  }

  async function connected(token: string): Promise<TestClient> {
    const client = await connectClient(t.url, token);
    clients.push(client);
    return client;
  }

  /** Resolves with what the server said when it closed the connection. */
  function withdrawn(client: TestClient): Promise<{ reason: string; disconnected: string }> {
    const told = client.next('access:withdrawn', 5000);
    const gone = new Promise<string>((r) => client.socket.once('disconnect', r));
    return Promise.all([told, gone]).then(([w, d]) => ({ reason: w.reason, disconnected: d }));
  }

  /** An evidence item of the case and a view link for `viewerToken`'s holder. */
  async function viewLink(caseId: string, uploaderToken: string, viewerToken: string) {
    const up = await api.upload(caseId, uploaderToken, pngBytes(), 'payslip.png');
    expect(up.status).toBe(201);
    const itemId = (up.body as { item: { id: string } }).item.id;
    const { url } = await api.ok<{ url: string }>(
      'POST',
      `/cases/${caseId}/evidence/${itemId}/view-link`,
      viewerToken,
    );
    return `${t.url}${url}`;
  }

  it('a deactivated mediator is disconnected, refused at the handshake, and their view links die', async () => {
    const w = await world();
    const mediator = await connected(w.mediatorToken);
    await joinSession(mediator);
    const link = await viewLink(w.c.id, staffToken(w.staff.mediator), staffToken(w.staff.mediator));
    expect((await fetch(link)).status).toBe(200);
    // A recording view link as the server issues them (for a file not there: 404 while valid).
    const m = w.staff.mediator;
    const recordingLink = `${t.url}/api/cases/${w.c.id}/recordings/r-none/files/composite?access=${new RecordingAccessTokens(
      TEST_SECRET,
    ).issue(
      {
        sub: m.id,
        caseId: w.c.id,
        recordingId: 'r-none',
        fileId: 'composite',
        role: 'mediator',
        org: m.organisationId,
        name: m.name,
      },
      600,
    )}`;
    expect((await fetch(recordingLink)).status).toBe(404);

    const closed = withdrawn(mediator);
    await api.ok('POST', `/staff/${w.staff.mediator.id}/deactivate`, staffToken(w.staff.clerk));
    expect(await closed).toEqual({
      reason: 'ACCESS_WITHDRAWN',
      disconnected: 'io server disconnect',
    });
    expect(t.server.sessions.get(w.session.id)?.participant(w.staff.mediator.id)).toBeUndefined();

    expect(await refusal(t.url, w.mediatorToken)).toMatchObject({ reason: 'ACCESS_WITHDRAWN' });
    expect((await fetch(link)).status).toBe(401);
    expect((await fetch(recordingLink)).status).toBe(401);
  });

  it('a mediator taken off the case is disconnected and cannot come back, record or chat', async () => {
    const w = await world();
    const mediator = await connected(w.mediatorToken);
    await joinSession(mediator);
    const closed = withdrawn(mediator);
    await t.server.cases.assignMediator(w.staff.clerk, w.c.id, w.staff.otherMediator.id);
    expect((await closed).reason).toBe('ACCESS_WITHDRAWN');
    expect(await refusal(t.url, w.mediatorToken)).toMatchObject({
      reason: 'ACCESS_WITHDRAWN',
      detail: 'MEDIATOR_NOT_ASSIGNED',
      message: expect.stringContaining('no longer the mediator'),
    });
    // The new mediator joins only after disclosing for this assignment.
    const undisclosed = await api.call('POST', '/join-token', staffToken(w.staff.otherMediator), {
      sessionId: w.session.id,
    });
    expect(undisclosed.status).toBe(409);
    await t.server.cases.disclose(w.staff.otherMediator, w.c.id, {
      hasConflict: false,
      statement: '与双方当事人无利害关系',
    });
    // A conflict the new mediator discloses later unassigns them: withdrawn too.
    const next = await api.ok<{ token: string }>(
      'POST',
      '/join-token',
      staffToken(w.staff.otherMediator),
      { sessionId: w.session.id },
    );
    const other = await connected(next.token);
    await joinSession(other);
    const closedToo = withdrawn(other);
    await t.server.cases.disclose(w.staff.otherMediator, w.c.id, {
      hasConflict: true,
      statement: '曾代理被申请人',
    });
    expect((await closedToo).reason).toBe('ACCESS_WITHDRAWN');
  });

  it('checks again at session:join, whatever happened since the handshake', async () => {
    const w = await world();
    const mediator = await connected(w.mediatorToken);
    // Changed behind the service's back (no announcement): the join still sees it.
    await repo.setStaffActive(w.staff.mediator.id, false);
    const { rtpCapabilities } = await mediator.request('media:capabilities', {});
    const closed = withdrawn(mediator);
    expect(await mediator.ack('session:join', { rtpCapabilities })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await closed).reason).toBe('ACCESS_WITHDRAWN');
    expect(t.server.sessions.get(w.session.id)?.participantCount ?? 0).toBe(0);
  });

  it('ending the session closes its connections; old tokens of mediator and party are refused', async () => {
    const w = await world();
    const party = await w.partyToken();
    const mediator = await connected(w.mediatorToken);
    await joinSession(mediator);
    const partyClient = await connected(party.token);
    await joinSession(partyClient, { admitBy: mediator });
    await t.server.cases.setSessionState(w.staff.mediator, w.session.id, 'live');
    const closed = [withdrawn(mediator), withdrawn(partyClient)];
    await t.server.cases.setSessionState(w.staff.mediator, w.session.id, 'ended');
    expect((await Promise.all(closed)).map((c) => c.reason)).toEqual([
      'SESSION_CLOSED',
      'SESSION_CLOSED',
    ]);
    expect(await refusal(t.url, w.mediatorToken)).toMatchObject({ reason: 'SESSION_CLOSED' });
    expect(await refusal(t.url, party.token)).toMatchObject({ reason: 'SESSION_CLOSED' });
  });

  it('revoking an invitation disconnects the person at once, also from the waiting room', async () => {
    const w = await world();
    const party = await w.partyToken();
    const client = await connected(party.token);
    expect((await joinSession(client)).admission).toBe('waiting');
    const closed = withdrawn(client);
    await t.server.cases.revokeInvitation(w.staff.clerk, w.c.id, party.invitationId);
    expect((await closed).reason).toBe('TOKEN_REVOKED');
    expect(await refusal(t.url, party.token)).toMatchObject({ reason: 'TOKEN_REVOKED' });
  });

  it('refuses a token whose session belongs to another case', async () => {
    const a = await world();
    const b = await world();
    const crossed = t.server.tokens.issue(
      {
        sub: a.staff.mediator.id,
        caseId: a.c.id,
        sessionId: b.session.id,
        role: 'mediator',
        name: a.staff.mediator.name,
      },
      600,
    );
    expect(await refusal(t.url, crossed)).toMatchObject({ reason: 'SESSION_CLOSED' });
    expect(t.server.sessions.get(b.session.id)).toBeUndefined();
  });

  it('honours only what the server would issue: a clerk never holds a session credential', async () => {
    const w = await world();
    const asClerk = t.server.tokens.issue(
      {
        sub: w.staff.clerk.id,
        caseId: w.c.id,
        sessionId: w.session.id,
        role: 'mediator',
        name: w.staff.clerk.name,
      },
      600,
    );
    expect(await refusal(t.url, asClerk)).toMatchObject({ reason: 'ACCESS_WITHDRAWN' });
    const clerkJoin = await api.call('POST', '/join-token', staffToken(w.staff.clerk), {
      sessionId: w.session.id,
    });
    expect(clerkJoin.status).toBe(403);
  });
});
