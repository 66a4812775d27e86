/**
 * A session large enough for a collective dispute: the mediator, five workers' representatives
 * and co-workers, both respondents (the dispatch agency and the user unit) and two agents — ten
 * participants on a real mediasoup worker with real Socket.IO clients (mediasoup-client's fake
 * handler: negotiation is real, media does not flow; real media is the e2e layer's). Each is
 * admitted after an identity check, publishes a microphone and receives the other nine: the
 * session holds 10 participants, 10 producers and 90 consumers, and a caucus with one side
 * pauses what crosses the wall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { SessionRole } from '../../signaling/index.js';
import { caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { connectClient, type TestClient } from '../support/client.js';
import { enrolledToken } from '../support/enrol.js';
import { fakePeer, type FakePeer } from '../support/fakeDevice.js';
import { startTestServer, type TestServer } from '../support/server.js';

const OTHERS: { sub: string; role: SessionRole; side: 'applicant' | 'respondent' }[] = [
  { sub: 'worker-1', role: 'party', side: 'applicant' },
  { sub: 'worker-2', role: 'party', side: 'applicant' },
  { sub: 'worker-3', role: 'party', side: 'applicant' },
  { sub: 'worker-4', role: 'party', side: 'applicant' },
  { sub: 'worker-5', role: 'party', side: 'applicant' },
  { sub: 'workers-agent', role: 'agent', side: 'applicant' },
  { sub: 'agency', role: 'party', side: 'respondent' },
  { sub: 'user-unit', role: 'party', side: 'respondent' },
  { sub: 'employers-agent', role: 'agent', side: 'respondent' },
];

describe('a session of ten for a collective dispute', () => {
  let t: TestServer;
  let staff: StaffFixture;
  let caseId: string;
  let sessionId: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const world = await caseInSession(t.server.cases, staff);
    caseId = world.case.id;
    sessionId = world.session.id;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  async function open(sub: string, role: SessionRole): Promise<TestClient> {
    const client = await connectClient(
      t.url,
      await enrolledToken(t.server, { sub, caseId, sessionId, role, name: sub }),
    );
    clients.push(client);
    return client;
  }

  it('admits nine after identity checks; everyone publishes and receives the other nine', async () => {
    const mediator = await open(staff.mediator.id, 'mediator');
    const peers: { sub: string; client: TestClient; peer: FakePeer }[] = [
      { sub: staff.mediator.id, client: mediator, peer: await fakePeer(mediator) },
    ];
    for (const o of OTHERS) {
      const client = await open(o.sub, o.role);
      peers.push({ sub: o.sub, client, peer: await fakePeer(client, { admitBy: mediator }) });
    }
    const microphones = new Map<string, string>();
    for (const p of peers) {
      const send = await p.peer.createTransport('send');
      microphones.set(p.sub, (await p.peer.produce(send, 'microphone')).id);
    }
    for (const p of peers) {
      const recv = await p.peer.createTransport('recv');
      for (const [sub, producerId] of microphones) {
        if (sub === p.sub) continue;
        const { options } = await p.peer.consume(recv, producerId);
        expect(options).toMatchObject({ kind: 'audio', participantId: sub });
        await p.client.request('consumer:resume', { consumerId: options.consumerId });
      }
    }

    const session = t.server.sessions.get(sessionId)!;
    const participants = session.participants();
    expect(participants).toHaveLength(10);
    expect(participants.every((p) => p.admission === 'admitted')).toBe(true);
    expect(participants.reduce((n, p) => n + p.producers.size, 0)).toBe(10);
    expect(participants.reduce((n, p) => n + p.consumers.size, 0)).toBe(90);
    expect(participants.every((p) => [...p.consumers.values()].every((c) => !c.paused))).toBe(true);

    // A caucus with the workers' side: the respondents' side receives none of it.
    const workers = OTHERS.filter((o) => o.side === 'applicant').map((o) => o.sub);
    await mediator.request('caucus:start', { participantIds: workers, record: false });
    const agency = session.participant('agency')!;
    const fromWorkers = [...agency.consumers.values()].filter((c) =>
      workers.includes(c.appData.producerParticipantId),
    );
    expect(fromWorkers).toHaveLength(6);
    expect(fromWorkers.every((c) => c.paused)).toBe(true);
    // Inside the caucus the workers still hear each other and the mediator.
    const worker1 = session.participant('worker-1')!;
    expect(
      [...worker1.consumers.values()]
        .filter((c) => [...workers, staff.mediator.id].includes(c.appData.producerParticipantId))
        .every((c) => !c.paused),
    ).toBe(true);
  });
});
