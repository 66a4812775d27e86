/**
 * A session lives on one node; a participant whose socket lands on another
 * node still joins it (issue 19, placement and relay). Two nodes on one
 * PostgreSQL database and one Redis: the mediator on node A, the party on
 * node B. B relays the party's session requests to A, which holds the
 * router: the party waits, is admitted by the mediator, negotiates
 * transports, consumes the mediator's producers (mediasoup-client's
 * FakeHandler, so parameters but no packets; the browser test carries media),
 * and when the party's socket on B closes, A removes them; evidence shared
 * through B's case file is told to the session on A. A second session's
 * first join goes to the node with less load, whichever node it arrived on;
 * two nodes asked for a new session at the same moment agree on one owner.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { caseInSession, seedStaff, TEST_PASSWORD, type StaffFixture } from '../support/cases.js';
import { connectClient, type TestClient } from '../support/client.js';
import { enrolledToken } from '../support/enrol.js';
import { apiClient, pngBytes } from '../support/evidenceHttp.js';
import { fakePeer } from '../support/fakeDevice.js';
import { clusterEnv } from '../support/clusterEnv.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('relay: a session on one node, its participants on any node', () => {
  let a: TestServer;
  let b: TestServer;
  let staff: StaffFixture;
  let caseId: string;
  let sessionId: string;
  let applicant: { id: string; name: string };
  const clients: TestClient[] = [];
  /** The mediator's socket on node A, in the first session (A holds it). */
  let mediatorOnA: TestClient;

  const open = async (
    node: TestServer,
    claims: {
      sub: string;
      role: 'mediator' | 'party' | 'observer';
      name: string;
      sessionId?: string;
    },
  ): Promise<TestClient> => {
    const token = await enrolledToken(a.server, { caseId, sessionId, ...claims });
    const c = await connectClient(node.url, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const shared = await clusterEnv('cluster-relay');
    a = await startTestServer({ ...shared, NODE_ID: 'node-a' });
    b = await startTestServer({ ...shared, NODE_ID: 'node-b' });
    staff = await seedStaff(new SqlCaseRepository(a.server.database));
    const world = await caseInSession(a.server.cases, staff);
    caseId = world.case.id;
    sessionId = world.session.id;
    const person = world.people.find((p) => p.kind === 'applicant')!;
    applicant = { id: person.id, name: person.name };
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
  });

  it('joins, admits and negotiates media through node B for a session held by node A', async () => {
    const mediator = await open(a, { sub: staff.mediator.id, role: 'mediator', name: '王调解' });
    mediatorOnA = mediator;
    const mPeer = await fakePeer(mediator);
    const mSend = await mPeer.createTransport('send');
    const mic = await mPeer.produce(mSend, 'microphone');
    const cam = await mPeer.produce(mSend, 'camera');
    expect(a.server.sessions.get(sessionId)).toBeDefined();

    const party = await open(b, { sub: applicant.id, role: 'party', name: applicant.name });
    const joinedSeen = mediator.next('participant:joined');
    // Waiting room on A, admission by the mediator on A, the grant delivered on B.
    const pPeer = await fakePeer(party, { admitBy: mediator });
    expect((await joinedSeen).participantId).toBe(applicant.id);
    expect(pPeer.join.participants.map((p) => p.participantId)).toContain(staff.mediator.id);
    // Only A holds the session: B made no router, no participant.
    expect(b.server.sessions.get(sessionId)).toBeUndefined();
    const held = a.server.sessions.get(sessionId)!;
    expect(held.participant(applicant.id)?.admission).toBe('admitted');

    // The party's transports and consumers are made on A's router.
    const pRecv = await pPeer.createTransport('recv');
    const audio = await pPeer.consume(pRecv, mic.id);
    const video = await pPeer.consume(pRecv, cam.id);
    expect(audio.options).toMatchObject({ kind: 'audio', participantId: staff.mediator.id });
    expect(video.options.rtpParameters.codecs[0]?.mimeType.toLowerCase()).toBe('video/vp8');
    await party.request('consumer:resume', { consumerId: video.options.consumerId });
    // Notices from A reach the party's socket on B: the mediator's camera paused.
    const paused = party.next('producer:paused');
    await mediator.request('producer:pause', { producerId: cam.id });
    expect(await paused).toMatchObject({ producerId: cam.id, participantId: staff.mediator.id });
    // The stage is checked where the session is: a refusal comes back as A made it.
    expect(await party.ack('moderation:mute', { participantId: staff.mediator.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    // The party's socket on B closes: A removes them and tells the mediator.
    const left = mediator.next('participant:left');
    party.close();
    expect(await left).toEqual({ participantId: applicant.id });
    expect(held.participants().map((p) => p.id)).toEqual([staff.mediator.id]);
  });

  it('tells the session held by node A of evidence shared through node B’s case file', async () => {
    const apiB = apiClient(b.url);
    const clerk = await apiB.login(staff.clerk.username, TEST_PASSWORD);
    const { token: invite } = await apiB.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: applicant.id },
    );
    const up = await apiB.upload(caseId, invite, pngBytes(), '聊天记录.png');
    expect(up.status).toBe(201);
    const itemId = (up.body as { item: { id: string } }).item.id;
    const updated = mediatorOnA.next('evidence:updated', 5_000, (p) => p.item.id === itemId);
    const r = await apiB.call('POST', `/cases/${caseId}/evidence/${itemId}/visibility`, invite, {
      shared: true,
    });
    expect(r.status).toBe(200);
    expect((await updated).item).toMatchObject({ id: itemId, shared: true });
  });

  it('places a new session on the node with less load, whichever node its first join reaches', async () => {
    // A holds the first session (with the mediator in it); B holds nothing.
    expect(a.server.sessions.all().length).toBeGreaterThan(0);
    expect(b.server.sessions.all()).toHaveLength(0);
    const second = await a.server.cases.scheduleSession(staff.mediator, caseId, {
      scheduledStart: new Date().toISOString(),
    });
    // Both nodes publish their load every second.
    await new Promise((r) => setTimeout(r, 1_200));
    const observer = await open(a, {
      sub: `o-${randomUUID()}`,
      role: 'observer',
      name: '旁听人',
      sessionId: second.id,
    });
    await observer.request('media:capabilities', {});
    expect(b.server.sessions.get(second.id)).toBeDefined();
    expect(a.server.sessions.get(second.id)).toBeUndefined();
    observer.close();
  });

  it('agrees on one owner when both nodes are asked for a new session at the same moment', async () => {
    const third = await a.server.cases.scheduleSession(staff.mediator, caseId, {
      scheduledStart: new Date().toISOString(),
    });
    const onA = await open(a, {
      sub: `o-${randomUUID()}`,
      role: 'observer',
      name: '旁听人甲',
      sessionId: third.id,
    });
    const onB = await open(b, {
      sub: `o-${randomUUID()}`,
      role: 'observer',
      name: '旁听人乙',
      sessionId: third.id,
    });
    await Promise.all([
      onA.request('media:capabilities', {}),
      onB.request('media:capabilities', {}),
    ]);
    const holders = [a, b].filter((n) => n.server.sessions.get(third.id) !== undefined);
    expect(holders).toHaveLength(1);
  });
});
