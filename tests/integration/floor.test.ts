/**
 * The mediator's floor, enforced on the server: the waiting room (even
 * before the mediator arrives), admission kept across reconnects, refusal,
 * lock, mute by the mediator, removal that survives a reconnect attempt,
 * identity checks and chat kept in the case record, and the caucus as
 * routing state (consumers across the wall paused on the server).
 */
import { describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { SessionRole } from '../../signaling/index.js';
import { caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { connect, connectClient, joinSession, type TestClient } from '../support/client.js';
import { enrolledToken } from '../support/enrol.js';
import { fakePeer } from '../support/fakeDevice.js';
import { perTestServer, type TestServer } from '../support/server.js';

const fixture = perTestServer();

async function setup(): Promise<{
  t: TestServer;
  staff: StaffFixture;
  caseId: string;
  sessionId: string;
  open(sub: string, role?: SessionRole): Promise<TestClient>;
  token(sub: string, role?: SessionRole): Promise<string>;
}> {
  const t = await fixture.start();
  const staff = await seedStaff(new SqlCaseRepository(t.server.database));
  const { case: c, session } = await caseInSession(t.server.cases, staff);
  const token = (sub: string, role: SessionRole = 'party') =>
    enrolledToken(t.server, { sub, caseId: c.id, sessionId: session.id, role, name: sub });
  const opened: TestClient[] = [];
  return {
    t,
    staff,
    caseId: c.id,
    sessionId: session.id,
    token,
    async open(sub, role = 'party') {
      const client = await connectClient(t.url, await token(sub, role));
      opened.push(client);
      return client;
    },
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the mediator’s floor', () => {
  it('keeps parties in the waiting room, even before the mediator arrives, until admitted', async () => {
    const { open } = await setup();
    const early = await open('p-early');
    const waiting = await joinSession(early);
    expect(waiting.admission).toBe('waiting');
    expect(waiting.participants).toEqual([]);
    // No media of any kind before admission.
    expect(await early.ack('transport:create', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'ADMISSION_REQUIRED' },
    });
    expect(await early.ack('chat:send', { text: '你好' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'ADMISSION_REQUIRED' },
    });
    // A party cannot admit anyone, itself included.
    expect(await early.ack('admission:admit', { participantId: 'p-early' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const mediator = await open('m-1', 'mediator');
    const mJoin = await joinSession(mediator);
    expect(mJoin.admission).toBe('admitted');
    expect(mJoin.waiting.map((p) => p.participantId)).toEqual(['p-early']);
    // The waiting party is not among the participants anyone sees.
    expect(mJoin.participants).toEqual([]);

    const granted = early.next('admission:granted');
    const joinedSeen = mediator.next('participant:joined');
    await mediator.request('identity:verify', {
      participantId: 'p-early',
      result: 'confirmed',
      method: 'personal-details',
    });
    await mediator.request('admission:admit', { participantId: 'p-early' });
    const result = await granted;
    expect(result.admission).toBe('admitted');
    expect(result.participants.map((p) => p.participantId)).toEqual(['m-1']);
    expect((await joinedSeen).participantId).toBe('p-early');
    await expect(early.request('transport:create', { direction: 'recv' })).resolves.toMatchObject({
      transportId: expect.any(String),
    });

    // A second knock is refused: told why, then disconnected.
    const late = await open('p-late');
    const knock = mediator.next('admission:knock');
    await joinSession(late);
    expect((await knock).participantId).toBe('p-late');
    const refused = late.next('admission:refused');
    const gone = new Promise((r) => late.socket.once('disconnect', r));
    await mediator.request('admission:refuse', { participantId: 'p-late', reason: '身份不符' });
    expect(await refused).toEqual({ detail: 'ADMISSION_REFUSED', reason: '身份不符' });
    await gone;
  });

  it('admits a party, agent or observer only after a confirmed identity check in this session, or on a recorded override', async () => {
    const { t, open, token, caseId } = await setup();
    const mediator = await open('m-1', 'mediator');
    await joinSession(mediator);
    const unconfirmed = { ok: false, error: { code: 'IDENTITY_UNCONFIRMED' } };

    // Never checked: refused, and the party is still waiting without media.
    const party = await open('p-1');
    expect((await joinSession(party)).admission).toBe('waiting');
    expect(await mediator.ack('admission:admit', { participantId: 'p-1' })).toMatchObject({
      ok: false,
      error: { code: 'IDENTITY_UNCONFIRMED', reason: 'IDENTITY_UNCHECKED' },
    });
    expect(await party.ack('transport:create', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    // The check failed: still refused.
    await mediator.request('identity:verify', {
      participantId: 'p-1',
      result: 'failed',
      method: 'personal-details',
    });
    const refusedAfterFailure = await mediator.ack('admission:admit', { participantId: 'p-1' });
    expect(refusedAfterFailure).toMatchObject({
      ok: false,
      error: { code: 'IDENTITY_UNCONFIRMED', reason: 'IDENTITY_CHECK_FAILED' },
    });
    // An override needs a real reason.
    expect(
      await mediator.ack('admission:admit', { participantId: 'p-1', overrideReason: '   ' }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(
      await mediator.ack('admission:admit', {
        participantId: 'p-1',
        overrideReason: 'x'.repeat(501),
      }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    // The mediator's override, with the reason: admitted.
    const reason = '身份证遗失，已核对手机号与登记一致，会后补交证件';
    const granted = party.next('admission:granted');
    await mediator.request('admission:admit', { participantId: 'p-1', overrideReason: reason });
    expect((await granted).self).toMatchObject({ participantId: 'p-1', identity: 'failed' });

    // An agent with a confirmed check: admitted without a reason.
    const agent = await open('a-1', 'agent');
    expect((await joinSession(agent, { admitBy: mediator })).admission).toBe('admitted');

    // An observer hears everything the parties say: checked like them.
    const observer = await open('o-1', 'observer');
    expect((await joinSession(observer)).admission).toBe('waiting');
    expect(await mediator.ack('admission:admit', { participantId: 'o-1' })).toMatchObject(
      unconfirmed,
    );

    // The overridden party's dropped connection: straight back in, no new check.
    party.socket.disconnect();
    const again = await connectClient(t.url, await token('p-1'));
    try {
      expect((await joinSession(again)).admission).toBe('admitted');
    } finally {
      again.close();
    }

    // The audit chain keeps the override with its reason and the check's state.
    const audit = new SqlAuditLog(t.server.database);
    const admitted = async () =>
      (await audit.list(caseId))
        .filter((e) => e.action === 'session.admitted')
        .map((e) => JSON.parse(e.payload) as Record<string, unknown>);
    for (let i = 0; i < 50 && (await admitted()).length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await admitted()).toEqual([
      expect.objectContaining({
        participantId: 'p-1',
        identity: 'failed',
        identityOverride: true,
        overrideReason: reason,
      }),
      expect.objectContaining({ participantId: 'a-1', identity: 'confirmed' }),
    ]);
    expect((await admitted())[1]).not.toHaveProperty('overrideReason');
    expect((await audit.verify(caseId)).ok).toBe(true);
  });

  it('puts an admitted participant straight back in after a dropped connection, and locks out newcomers', async () => {
    const { t, open, token } = await setup();
    const mediator = await open('m-1', 'mediator');
    await joinSession(mediator);
    const party = await open('p-1');
    await joinSession(party, { admitBy: mediator });

    // The network drops: the server sees the socket go.
    party.socket.disconnect();
    const again = await connectClient(t.url, await token('p-1'));
    const knocked = mediator.next('admission:knock', 1500).then(
      () => true,
      () => false,
    );
    const rejoined = await joinSession(again);
    expect(rejoined.admission).toBe('admitted');
    expect(await knocked).toBe(false);
    again.close();

    const lockedSeen = mediator.next('session:locked');
    expect(await mediator.request('session:lock', { locked: true })).toEqual({ locked: true });
    expect(await lockedSeen).toEqual({ locked: true });
    const newcomer = await open('p-new');
    const { rtpCapabilities } = await newcomer.request('media:capabilities', {});
    const refused = await newcomer.ack('session:join', { rtpCapabilities });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'SESSION_LOCKED' },
    });
    // Someone admitted before the lock still gets back in.
    const back = await connectClient(t.url, await token('p-1'));
    expect((await joinSession(back)).admission).toBe('admitted');
    back.close();
  });

  it('mutes a party on the server, refuses their own unmute until allowed, and removes for good', async () => {
    const { t, open, sessionId, caseId } = await setup();
    const mediator = await open('m-1', 'mediator');
    await fakePeer(mediator);
    const party = await open('p-1');
    const peer = await fakePeer(party, { admitBy: mediator });
    const send = await peer.createTransport('send');
    const mic = await peer.produce(send, 'microphone');
    const live = t.server.sessions.get(sessionId)!;
    const serverMic = live.participant('p-1').producers.get(mic.id)!;
    expect(serverMic.paused).toBe(false);

    // A party may not mute anyone.
    expect(await party.ack('moderation:mute', { participantId: 'm-1' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const updated = party.next('participant:updated', 5000, (p) => p.participantId === 'p-1');
    await mediator.request('moderation:mute', { participantId: 'p-1' });
    expect(serverMic.paused).toBe(true);
    expect((await updated).mutedByMediator).toBe(true);
    expect(await party.ack('producer:resume', { producerId: mic.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'MUTED_BY_MEDIATOR' },
    });
    await mediator.request('moderation:allowUnmute', { participantId: 'p-1' });
    await party.request('producer:resume', { producerId: mic.id });
    expect(serverMic.paused).toBe(false);
    expect(await mediator.request('moderation:muteAll', {})).toEqual({ muted: 1 });
    expect(serverMic.paused).toBe(true);

    // A reconnect (a reload, a new tab) does not lift the mediator's mute.
    const again = await open('p-1');
    const rejoined = await fakePeer(again);
    expect(rejoined.join.self).toMatchObject({ admission: 'admitted', mutedByMediator: true });
    expect(live.participant('p-1').mutedByMediator).toBe(true);

    // Removal: told, disconnected, and the same token is refused at the handshake.
    const removed = again.next('session:removed');
    const gone = new Promise((r) => again.socket.once('disconnect', r));
    await mediator.request('moderation:remove', { participantId: 'p-1', reason: '扰乱秩序' });
    expect(await removed).toEqual({ detail: 'PARTICIPANT_REMOVED', reason: '扰乱秩序' });
    await gone;
    const retry = connect(
      t.url,
      await enrolledToken(t.server, { sub: 'p-1', caseId, sessionId, role: 'party', name: 'p-1' }),
    );
    const refusal = await new Promise<{
      data?: { reason?: string; detail?: string };
      message: string;
    }>((r) => retry.once('connect_error', (e) => r(e as never)));
    retry.close();
    expect(refusal.data).toEqual({ reason: 'TOKEN_REVOKED', detail: 'PARTICIPANT_REMOVED' });
    expect(refusal.message).toContain('removed');

    const audit = new SqlAuditLog(t.server.database);
    await new Promise((r) => setTimeout(r, 200));
    const actions = (await audit.list(caseId)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['session.admitted', 'session.muted', 'session.removed']),
    );
  });

  it('records identity checks and chat in the case; chat in a caucus stays in the caucus', async () => {
    const { t, open, caseId } = await setup();
    const mediator = await open('m-1', 'mediator');
    await joinSession(mediator);
    const a = await open('p-a');
    const knock = mediator.next('admission:knock', 5000, (p) => p.identity === 'confirmed');
    const { rtpCapabilities } = await a.request('media:capabilities', {});
    await a.request('session:join', { rtpCapabilities });
    // Checked while still waiting: the ID card held to the camera.
    await mediator.request('identity:verify', {
      participantId: 'p-a',
      result: 'confirmed',
      method: 'id-document-on-camera',
      note: '身份证核对一致',
    });
    expect((await knock).identity).toBe('confirmed');
    const granted = a.next('admission:granted');
    await mediator.request('admission:admit', { participantId: 'p-a' });
    expect((await granted).self.identity).toBe('confirmed');
    const b = await open('p-b');
    await joinSession(b, { admitBy: mediator });

    const seenByB = b.next('chat:message');
    await a.request('chat:send', { text: '我同意调解' });
    expect((await seenByB).text).toBe('我同意调解');

    await mediator.request('caucus:start', { participantIds: ['p-a'], record: false });
    const bHears = b.next('chat:message', 1000).then(
      () => 'leaked',
      () => 'silent',
    );
    const mediatorHears = mediator.next('chat:message');
    const secret = await a.request('chat:send', { text: '最低可以接受 8000 元' });
    expect(secret.message.confidential).toBe(true);
    expect((await mediatorHears).text).toBe('最低可以接受 8000 元');
    expect(await bHears).toBe('silent');
    await mediator.request('caucus:end', {});

    await t.server.sessions.get(t.server.sessions.all()[0]!.sessionId);
    await new Promise((r) => setTimeout(r, 200));
    const chat = await t.server.database.all(
      'SELECT text, confidential FROM session_chat WHERE case_id = ? ORDER BY sent_at',
      [caseId],
    );
    expect(chat).toEqual([
      { text: '我同意调解', confidential: 0 },
      { text: '最低可以接受 8000 元', confidential: 1 },
    ]);
    const audit = new SqlAuditLog(t.server.database);
    const events = await audit.list(caseId);
    const check = events.find((e) => e.action === 'session.identity-checked');
    expect(JSON.parse(check!.payload)).toMatchObject({
      participantId: 'p-a',
      result: 'confirmed',
      method: 'id-document-on-camera',
    });
    // The chain holds the message's hash, not its text.
    expect(events.filter((e) => e.payload.includes('最低可以接受')).map((e) => e.payload)).toEqual(
      [],
    );
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['session.caucus-started', 'session.caucus-ended', 'session.chat']),
    );
    expect((await audit.verify(caseId)).ok).toBe(true);
  });

  it('holds media across the caucus wall on the server and releases it on return, without rejoining', async () => {
    const { t, open, sessionId } = await setup();
    const mediator = await open('m-1', 'mediator');
    const mPeer = await fakePeer(mediator);
    const a = await open('p-a');
    const aPeer = await fakePeer(a, { admitBy: mediator });
    const b = await open('p-b');
    const bPeer = await fakePeer(b, { admitBy: mediator });

    const produced = new Map<string, string>();
    for (const [who, peer] of [
      ['m-1', mPeer],
      ['p-a', aPeer],
      ['p-b', bPeer],
    ] as const) {
      const send = await peer.createTransport('send');
      produced.set(who, (await peer.produce(send, 'microphone')).id);
    }
    const consumers = new Map<string, string>();
    for (const [who, peer, client] of [
      ['m-1', mPeer, mediator],
      ['p-a', aPeer, a],
      ['p-b', bPeer, b],
    ] as const) {
      const recv = await peer.createTransport('recv');
      for (const [owner, producerId] of produced) {
        if (owner === who) continue;
        const { options } = await peer.consume(recv, producerId);
        await client.request('consumer:resume', { consumerId: options.consumerId });
        consumers.set(`${who}<-${owner}`, options.consumerId);
      }
    }
    const live = t.server.sessions.get(sessionId)!;
    const paused = () =>
      Object.fromEntries(
        [...consumers].map(([key, id]) => [
          key,
          live.participant(key.split('<-')[0]!).consumers.get(id)!.paused,
        ]),
      );
    expect(Object.values(paused()).every((p) => !p)).toBe(true);

    const bSees = b.next('caucus:state');
    await mediator.request('caucus:start', { participantIds: ['p-a'], record: false });
    expect((await bSees).caucus?.participantIds).toEqual(['p-a']);
    // B (outside) receives nothing from A or the mediator; they receive nothing from B.
    expect(paused()).toEqual({
      'm-1<-p-a': false,
      'm-1<-p-b': true,
      'p-a<-m-1': false,
      'p-a<-p-b': true,
      'p-b<-m-1': true,
      'p-b<-p-a': true,
    });
    // A client cannot resume across the wall.
    await b.request('consumer:resume', { consumerId: consumers.get('p-b<-p-a')! });
    expect(paused()['p-b<-p-a']).toBe(true);

    await mediator.request('caucus:end', {});
    expect(Object.values(paused()).every((p) => !p)).toBe(true);
    // Nobody rejoined: the same sockets and consumers throughout.
    expect(
      live
        .participants()
        .map((p) => p.id)
        .sort(),
    ).toEqual(['m-1', 'p-a', 'p-b']);
  });

  it('keeps the floor of a session that empties, and forgets it once the session has ended', async () => {
    const { t, staff, sessionId, open } = await setup();
    // The case's own mediator, so the same person can end the session.
    const mediator = await open(staff.mediator.id, 'mediator');
    await joinSession(mediator);
    const party = await open('p-1');
    await joinSession(party, { admitBy: mediator });
    await mediator.request('session:lock', { locked: true });

    // Everyone leaves: the live session closes, its floor is kept for when they come back.
    mediator.close();
    party.close();
    await until(() => t.server.sessions.get(sessionId) === undefined);
    expect(t.server.sessions.remembered()).toEqual([sessionId]);
    const back = await open('p-1');
    const rejoined = await joinSession(back);
    expect(rejoined).toMatchObject({ admission: 'admitted', locked: true });

    // The session ends for good: its connections go, and so does what the node remembered of it.
    const gone = new Promise((r) => back.socket.once('disconnect', r));
    await t.server.cases.setSessionState(staff.mediator, sessionId, 'live');
    expect(t.server.sessions.remembered()).toEqual([sessionId]);
    await t.server.cases.setSessionState(staff.mediator, sessionId, 'ended');
    await gone;
    await until(() => t.server.sessions.get(sessionId) === undefined);
    expect(t.server.sessions.remembered()).toEqual([]);
  });
});
