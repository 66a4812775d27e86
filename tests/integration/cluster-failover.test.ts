/**
 * A node dies mid-session (issue 19, node failure): node A runs in a process
 * of its own (tests/support/cluster-node.ts) and is SIGKILLed; node B runs in
 * the test. Both on one PostgreSQL database and one Redis.
 *
 * - A relays a party to B, which holds the session: when A dies, B treats
 *   the party's connection as dropped (shown as reconnecting, place kept), and
 *   the party reconnecting through B takes the place back, admitted.
 * - A holds the session and B relays the party to it: when A dies, B tells the
 *   party's page to reconnect once A's lease has run out, and the session opens
 *   again on B for the party and the mediator who reconnect there, with its
 *   floor (admission, identity check, the lock, the caucus in progress, the
 *   chat) restored from the case record.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { kill, startNodeProcess } from '../support/clusterNodes.js';
import { enrolledToken } from '../support/enrol.js';
import { freshDatabase } from '../support/postgres.js';
import { redisPrefix } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('a node dies mid-session', () => {
  let env: Record<string, string>;
  let b: TestServer;
  let staff: StaffFixture;
  let caseId: string;
  const children: ChildProcess[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    env = {
      DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'cluster-failover'),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: redisPrefix('failover'),
    };
    b = await startTestServer({ ...env, NODE_ID: 'node-b', MEDIASOUP_NUM_WORKERS: '1' });
    staff = await seedStaff(new SqlCaseRepository(b.server.database));
    caseId = (await caseInSession(b.server.cases, staff)).case.id;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const child of children) await kill(child);
    await b?.close();
  });

  async function newSession(): Promise<{ sessionId: string; party: { id: string; name: string } }> {
    const session = await b.server.cases.scheduleSession(staff.mediator, caseId, {
      scheduledStart: new Date().toISOString(),
    });
    const file = await b.server.cases.file(staff.clerk, caseId);
    const person = file.people.find((p) => p.kind === 'applicant')!;
    return { sessionId: session.id, party: { id: person.id, name: person.name } };
  }

  async function open(
    url: string,
    sessionId: string,
    claims: { sub: string; role: 'mediator' | 'party'; name: string },
  ): Promise<TestClient> {
    const token = await enrolledToken(b.server, { caseId, sessionId, ...claims });
    const c = await connectClient(url, token);
    clients.push(c);
    return c;
  }

  it('keeps the place of a party whose relaying node died, and gives it back when they reconnect', async () => {
    const a = await startNodeProcess({ ...env, NODE_ID: 'node-a-1' });
    children.push(a.child);
    const { sessionId, party } = await newSession();
    const mediator = await open(b.url, sessionId, {
      sub: staff.mediator.id,
      role: 'mediator',
      name: '王调解',
    });
    await joinSession(mediator);
    expect(b.server.sessions.get(sessionId)).toBeDefined();
    const partyOnA = await open(a.url, sessionId, {
      sub: party.id,
      role: 'party',
      name: party.name,
    });
    await joinSession(partyOnA, { admitBy: mediator });

    const dropped = mediator.next(
      'participant:updated',
      10_000,
      (p) => p.participantId === party.id && p.reconnecting === true,
    );
    await kill(a.child);
    const killedAt = Date.now();
    await dropped;
    // Within A's lease (3 s) and one sweep (1 s), and the others see who is reconnecting.
    expect(Date.now() - killedAt).toBeLessThan(6_000);

    // The party's page reconnects through the balancer, to B: admitted again at once.
    const back = mediator.next('participant:joined', 10_000, (p) => p.participantId === party.id);
    const partyOnB = await open(b.url, sessionId, {
      sub: party.id,
      role: 'party',
      name: party.name,
    });
    const joined = await joinSession(partyOnB);
    expect(joined.admission).toBe('admitted');
    expect((await back).reconnecting).not.toBe(true);
  });

  it('tells the pages relayed to a dead owner to reconnect; the session opens again on a live node', async () => {
    const a = await startNodeProcess({ ...env, NODE_ID: 'node-a-2' });
    children.push(a.child);
    const { sessionId, party } = await newSession();
    const mediatorOnA = await open(a.url, sessionId, {
      sub: staff.mediator.id,
      role: 'mediator',
      name: '王调解',
    });
    await joinSession(mediatorOnA);
    // A holds the session (its first join reached A, and A had no more load than B).
    expect(b.server.sessions.get(sessionId)).toBeUndefined();
    const partyOnB = await open(b.url, sessionId, {
      sub: party.id,
      role: 'party',
      name: party.name,
    });
    await joinSession(partyOnB, { admitBy: mediatorOnA });
    await mediatorOnA.request('session:lock', { locked: true });
    // A word in the joint session, then the party taken aside and a confidential word there.
    await mediatorOnA.request('chat:send', { text: '双方好，现在开始调解。' });
    const { caucus } = await mediatorOnA.request('caucus:start', {
      participantIds: [party.id],
      record: false,
    });
    await partyOnB.request('chat:send', { text: '我可以接受分期支付。' });

    const told = new Promise<string>((resolve) => partyOnB.socket.once('disconnect', resolve));
    await kill(a.child);
    const killedAt = Date.now();
    // B closes the party's transport (not a server disconnect): a page reconnects on its own.
    expect(await told).toBe('transport close');
    expect(Date.now() - killedAt).toBeLessThan(6_000);

    const mediator = await open(b.url, sessionId, {
      sub: staff.mediator.id,
      role: 'mediator',
      name: '王调解',
    });
    const mediatorJoined = await joinSession(mediator);
    // The caucus goes on where it was, and the chat is back on the mediator's screen.
    expect(mediatorJoined.caucus).toEqual(caucus);
    expect(mediatorJoined.chat.map((m) => [m.text, m.confidential])).toEqual([
      ['双方好，现在开始调解。', false],
      ['我可以接受分期支付。', true],
    ]);
    const partyAgain = await open(b.url, sessionId, {
      sub: party.id,
      role: 'party',
      name: party.name,
    });
    // Admitted on A before it died: B restored the floor from the case record, no waiting room.
    const joined = await joinSession(partyAgain);
    expect(joined.admission).toBe('admitted');
    expect(joined.self.identity).toBe('confirmed');
    expect(joined.caucus?.participantIds).toEqual([party.id]);
    expect(joined.chat.map((m) => m.text)).toEqual([
      '双方好，现在开始调解。',
      '我可以接受分期支付。',
    ]);
    // The lock the mediator set on A holds on B: a newcomer is refused.
    const newcomer = await open(b.url, sessionId, {
      sub: `late-${sessionId.slice(0, 8)}`,
      role: 'party',
      name: '迟到者',
    });
    const { rtpCapabilities } = await newcomer.request('media:capabilities', {});
    expect(await newcomer.ack('session:join', { rtpCapabilities })).toMatchObject({
      ok: false,
      error: { reason: 'SESSION_LOCKED' },
    });
    expect(
      b.server.sessions
        .get(sessionId)
        ?.participants()
        .map((p) => p.id)
        .sort(),
    ).toEqual([party.id, staff.mediator.id].sort());
  });
});
