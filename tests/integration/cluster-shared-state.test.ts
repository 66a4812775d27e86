/**
 * Two service nodes on one PostgreSQL database and one Redis (issue 19, shared
 * state): a person's socket may be on either node, and what concerns them
 * reaches it there. A document served through node A arrives live on the
 * recipient's socket on node B, whose acknowledgement records the delivery; a
 * revoked invitation closes the party's connection on node B; one person's
 * connections are capped over both nodes; a person's request rate and a
 * staff account's failed sign-ins are counted over both nodes together; and a
 * node that cannot reach its Redis refuses to start, naming it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FREE_FAILURES } from '../../server/auth/SignInGuard.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { ServedDocument } from '../../signaling/index.js';
import { caseInSession, seedStaff, TEST_PASSWORD, type StaffFixture } from '../support/cases.js';
import { connectClient, type TestClient } from '../support/client.js';
import { enrolledToken } from '../support/enrol.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { freePort, freshDatabase } from '../support/postgres.js';
import { redisPrefix } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Issued {
  document: { id: string; sha256: string };
  deliveries: { id: string; recipientId: string; state: string }[];
}

const PERSON_BURST = 12;
const MAX_PER_PERSON = 3;

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('shared state: two nodes, one database, one Redis', () => {
  let a: TestServer;
  let b: TestServer;
  let apiA: Api;
  let apiB: Api;
  let staff: StaffFixture;
  let clerk: string;
  let mediator: string;
  let caseId: string;
  let sessionId: string;
  let applicant: { id: string; name: string };
  const clients: TestClient[] = [];
  const prefix = redisPrefix('shared-state');

  /** A session token of the applicant (a live invitation of theirs, made if missing). */
  const applicantToken = () =>
    enrolledToken(a.server, {
      sub: applicant.id,
      caseId,
      sessionId,
      role: 'party',
      name: applicant.name,
    });
  const open = async (node: TestServer, token: string): Promise<TestClient> => {
    const c = await connectClient(node.url, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const env = {
      DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'cluster-shared-state'),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: prefix,
      MEDIASOUP_NUM_WORKERS: '1',
      SERVICE_KEYS_SECRET: 'the cluster’s key-sealing secret, 32+ chars',
      SOCKET_PERSON_RATE_BURST: String(PERSON_BURST),
      SOCKET_PERSON_RATE_LIMIT: '1',
      SOCKET_MAX_PER_PERSON: String(MAX_PER_PERSON),
    };
    a = await startTestServer({ ...env, NODE_ID: 'node-a' });
    b = await startTestServer({ ...env, NODE_ID: 'node-b' });
    apiA = apiClient(a.url);
    apiB = apiClient(b.url);
    staff = await seedStaff(new SqlCaseRepository(a.server.database));
    const world = await caseInSession(a.server.cases, staff);
    caseId = world.case.id;
    sessionId = world.session.id;
    const person = world.people.find((p) => p.kind === 'applicant')!;
    applicant = { id: person.id, name: person.name };
    clerk = await apiA.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await apiB.login(staff.mediator.username, TEST_PASSWORD);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
  });

  it('delivers a document served through node A to the recipient’s socket on node B; B’s acknowledgement records it', async () => {
    // The applicant's invitation link (its token opens the party's pages over HTTP).
    const { token: invitation } = await apiA.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: applicant.id },
    );
    const party = await applicantToken();
    const consent = await apiB.call('POST', `/cases/${caseId}/service-consent`, invitation, {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }],
      scope: 'all',
      effectAcknowledged: true,
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const onB = await open(b, party);
    const received: ServedDocument[] = [];
    onB.socket.on('document:served', (n) => received.push(n));

    const issued = await apiA.ok<Issued>('POST', `/cases/${caseId}/documents`, mediator, {
      kind: 'acceptance_notice',
      recipients: [applicant.id],
    });
    const mine = issued.deliveries.find((d) => d.recipientId === applicant.id)!;
    expect(mine.state).toBe('dispatched');
    await until(() => received.length > 0, 'the notice on node B');
    expect(received).toEqual([
      expect.objectContaining({
        deliveryId: mine.id,
        documentId: issued.document.id,
        sha256: issued.document.sha256,
      }),
    ]);
    const { delivery } = await onB.request('document:received', { deliveryId: mine.id });
    expect(delivery).toMatchObject({ status: 'delivered', sha256: issued.document.sha256 });
    // Node A reads the same record: served, at the moment B's socket acknowledged it.
    const seen = await apiA.ok<{ deliveries: { id: string; state: string }[] }>(
      'GET',
      `/cases/${caseId}/documents`,
      mediator,
    );
    expect(seen.deliveries.find((d) => d.id === mine.id)?.state).toBe('delivered');
  });

  it('closes the party’s connection on node B when node A revokes the invitation', async () => {
    const token = await applicantToken();
    const onB = await open(b, token);
    const withdrawn = onB.next('access:withdrawn', 5_000);
    const file = await apiA.ok<{
      invitations: { id: string; personId: string; revokedAt: string | null }[];
    }>('GET', `/cases/${caseId}`, clerk);
    const live = file.invitations.filter((i) => i.personId === applicant.id && !i.revokedAt);
    expect(live.length).toBeGreaterThan(0);
    for (const inv of live)
      await apiA.ok('POST', `/cases/${caseId}/invitations/${inv.id}/revoke`, clerk, {});
    expect(await withdrawn).toMatchObject({ detail: 'INVITATION_REVOKED' });
    await until(() => !onB.socket.connected, 'the socket on B closed');
    // And the revoked token opens no connection on either node.
    await expect(connectClient(a.url, token)).rejects.toThrow();
    await expect(connectClient(b.url, token)).rejects.toThrow();
  });

  it('caps one person’s connections over both nodes: the oldest goes, on whichever node it is', async () => {
    const token = await enrolledToken(a.server, {
      sub: staff.mediator.id,
      caseId,
      sessionId,
      role: 'mediator',
      name: staff.mediator.name,
    });
    const nodes = [a, b, a];
    const first: TestClient[] = [];
    for (const node of nodes.slice(0, MAX_PER_PERSON)) {
      first.push(await open(node, token));
      // Distinct handshake times, so "oldest" is well defined.
      await new Promise((r) => setTimeout(r, 20));
    }
    const replaced = first[0]!.next('session:replaced', 5_000);
    const newest = await open(b, token);
    await replaced;
    await until(() => !first[0]!.socket.connected, 'the oldest (node A) closed');
    expect(first.slice(1).every((c) => c.socket.connected)).toBe(true);
    expect(newest.socket.connected).toBe(true);
    for (const c of [...first, newest]) c.close();
  });

  it('counts one person’s requests on both nodes together', async () => {
    const token = await enrolledToken(a.server, {
      sub: `p-${randomUUID()}`,
      caseId,
      sessionId,
      role: 'observer',
      name: '旁听人',
    });
    const onA = await open(a, token);
    const onB = await open(b, token);
    const replies = [];
    for (let i = 0; i < PERSON_BURST * 2; i++) {
      const c = i % 2 === 0 ? onA : onB;
      replies.push(await c.ack('media:capabilities', {}));
    }
    const limited = replies.filter(
      (r) => !r.ok && (r as { error: { code: string } }).error.code === 'RATE_LIMITED',
    );
    // Each node alone would have allowed PERSON_BURST; together they allow PERSON_BURST.
    expect(replies.length - limited.length).toBe(PERSON_BURST);
  });

  it('counts a staff account’s failed sign-ins on both nodes together', async () => {
    const target = staff.clerk.username;
    for (let i = 0; i < FREE_FAILURES; i++) {
      const api = i % 2 === 0 ? apiA : apiB;
      const r = await api.call('POST', '/auth/login', undefined, {
        username: target,
        password: `guess ${i}`,
      });
      expect(r.status).toBe(401);
    }
    for (const api of [apiA, apiB]) {
      const r = await api.call('POST', '/auth/login', undefined, {
        username: target,
        password: TEST_PASSWORD,
      });
      expect(r.status).toBe(429);
      expect(JSON.stringify(r.body)).toContain('ACCOUNT_LOCKED_OUT');
    }
  });

  it('refuses to start a second node under a NODE_ID a live node has', async () => {
    await expect(
      startTestServer({
        DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'cluster-twin'),
        REDIS_URL: inject('redisUrl'),
        REDIS_KEY_PREFIX: prefix,
        NODE_ID: 'node-a',
        MEDIASOUP_NUM_WORKERS: '1',
      }),
    ).rejects.toThrow(/NODE_ID node-a is already used by a live node/);
  });

  it('refuses to start a node whose Redis does not answer, naming REDIS_URL', async () => {
    const port = await freePort();
    await expect(
      startTestServer({
        DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'cluster-no-redis'),
        REDIS_URL: `redis://:secret-password@127.0.0.1:${port}`,
        MEDIASOUP_NUM_WORKERS: '1',
      }),
    ).rejects.toThrow(/Cannot reach Redis at REDIS_URL \(redis:\/\/:\*\*\*@127\.0\.0\.1/);
  });
});
