/**
 * Several nodes with addresses of their own (NODE_DIRECT_URL, issue 19): a call page that
 * reached a node other than the one holding its session is sent, at the handshake, to that
 * node's own address, and its signalling then takes no hop between nodes. A page that does
 * not follow (an older page, the document inbox) is relayed as before; a refused credential
 * is refused, not moved; an address the page cannot reach leaves it relayed; and when the
 * node it moved to goes away, the page comes back through the address it started from and
 * joins wherever the session is placed next.
 *
 * The page's own connection code (client/src/shared/nodeConnection.ts) is what connects here.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { Server } from 'socket.io';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NodeConnection } from '../../client/src/shared/nodeConnection.js';
import type { Ack, RequestName, RequestOf, ResponseOf } from '../../signaling/index.js';
import {
  connect,
  connectClient,
  connectFollowing,
  joinSession,
  type TestClient,
} from '../support/client.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { enrol } from '../support/enrol.js';
import { eventually, sleep } from '../support/eventually.js';
import { clusterEnv } from '../support/clusterEnv.js';
import { freePort } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CASE = 'CASE-DIRECT';

/** A request over the page's connection as it is now; its data, or the refusal thrown. */
async function ask<E extends RequestName>(
  page: NodeConnection,
  event: E,
  payload: RequestOf<E>,
): Promise<ResponseOf<E>> {
  const emit = page.socket.timeout(10_000).emitWithAck as unknown as (
    e: E,
    p: RequestOf<E>,
  ) => Promise<Ack<ResponseOf<E>>>;
  const ack = await emit.call(page.socket.timeout(10_000), event, payload);
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

interface Node {
  server: TestServer;
  direct: string;
}

async function startNode(
  shared: Record<string, string>,
  id: string,
  direct?: string,
): Promise<Node> {
  const port = await freePort();
  const own = direct ?? `http://127.0.0.1:${port}`;
  const server = await startTestServer({
    ...shared,
    NODE_ID: id,
    HTTP_PORT: String(port),
    NODE_DIRECT_URL: own,
  });
  return { server, direct: own };
}

/** The handshake's refusal data, or undefined when it was accepted. */
async function handshake(url: string, token: string | undefined, follow: boolean) {
  const socket = connect(url, token, follow);
  try {
    return await new Promise<Record<string, unknown> | undefined>((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', (e: Error & { data?: Record<string, unknown> }) =>
        resolve(e.data ?? {}),
      );
    });
  } finally {
    socket.disconnect();
  }
}

describe('a call page moves to the node holding its session', () => {
  let a: Node;
  let b: Node;
  const clients: TestClient[] = [];
  const pages: NodeConnection[] = [];
  const SESSION = 'SESSION-DIRECT';
  let mediator: TestClient;
  let owner: Node;
  let other: Node;

  const token = (sub: string, role: 'mediator' | 'party' = 'party', sessionId = SESSION) =>
    a.server.token({ sub, role, caseId: CASE, sessionId });

  beforeAll(async () => {
    const shared = await clusterEnv('cluster-direct');
    a = await startNode(shared, 'node-a');
    b = await startNode(shared, 'node-b');
    // The mediator's page does not follow: the session is held where placement put it.
    mediator = await connectClient(a.server.url, await token('mediator', 'mediator'));
    clients.push(mediator);
    await joinSession(mediator);
    owner = [a, b].find((n) => n.server.server.sessions.get(SESSION) !== undefined)!;
    other = owner === a ? b : a;
  });

  afterAll(async () => {
    for (const p of pages) p.close();
    for (const c of clients) c.close();
    await a?.server.close();
    await b?.server.close();
  });

  it('tells a following page the owner’s own address at the handshake, and nobody else', async () => {
    const party = await token('party-handshake');
    expect(await handshake(other.server.url, party, true)).toEqual({ moved: owner.direct });
    // On the owner itself, and for a page that does not follow, the handshake is accepted.
    expect(await handshake(owner.server.url, party, true)).toBeUndefined();
    expect(await handshake(other.server.url, party, false)).toBeUndefined();
    // A credential that is refused is refused with its reason, never moved.
    expect(await handshake(other.server.url, 'not-a-token', true)).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    expect(await handshake(other.server.url, undefined, true)).toMatchObject({
      reason: 'TOKEN_MISSING',
    });
  });

  it('refuses a revoked credential with its reason on either node, never moving it', async () => {
    const claims = await enrol(a.server.server, {
      sub: 'party-revoked',
      role: 'party',
      name: 'party-revoked',
      caseId: CASE,
      sessionId: SESSION,
    });
    const revocable = a.server.server.tokens.issue(claims, 600);
    expect(await handshake(other.server.url, revocable, true)).toEqual({ moved: owner.direct });
    await new SqlCaseRepository(a.server.server.database).revokeInvitation(
      claims.inv!,
      new Date().toISOString(),
    );
    for (const node of [other, owner])
      expect(await handshake(node.server.url, revocable, true)).toMatchObject({
        reason: 'TOKEN_REVOKED',
      });
  });

  it('joins on the owner after the move and needs nothing of the node it first reached', async () => {
    const { client: moved, at } = await connectFollowing(
      other.server.url,
      await token('party-moved'),
    );
    clients.push(moved);
    expect(at).toBe(owner.direct);
    const relayed = await connectClient(other.server.url, await token('party-relayed'));
    clients.push(relayed);
    for (const c of [moved, relayed])
      await joinSession(c, { admitBy: mediator, overrideReason: 'test: admitted unchecked' });
    const { participants } = await moved.request('session:participants', {});
    expect(participants.map((p) => p.participantId).sort()).toEqual([
      'mediator',
      'party-moved',
      'party-relayed',
    ]);

    // The node the pages first reached stops: the relayed page loses its connection, the
    // moved one is still answered by the owner.
    const relayedGone = new Promise<string>((r) => relayed.socket.once('disconnect', r));
    await other.server.close();
    await relayedGone;
    expect(moved.socket.connected).toBe(true);
    const after = await moved.request('session:participants', {});
    expect(after.participants.map((p) => p.participantId)).toContain('party-moved');
  });
});

describe('the page’s connection: unreachable addresses and a node that goes away', () => {
  let a: Node;
  let b: Node;
  const pages: NodeConnection[] = [];
  const clients: TestClient[] = [];
  let closedPort: number;
  let shared: Record<string, string>;

  const tokenFor = (node: Node, sub: string, sessionId: string, role: 'mediator' | 'party') =>
    node.server.token({ sub, role, caseId: CASE, sessionId });

  beforeAll(async () => {
    shared = await clusterEnv('cluster-direct-faults');
    // A port nothing listens on: node A announces an address pages cannot reach.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    a = await startNode(shared, 'node-a-unreachable', `http://127.0.0.1:${closedPort}/node/a`);
    b = await startNode(shared, 'node-b-reached');
  });

  afterAll(async () => {
    for (const p of pages) p.close();
    for (const c of clients) c.close();
    await a?.server.close();
    await b?.server.close();
  });

  /** A session held by `holder`: its mediator joins there first (placement keeps a held session). */
  async function sessionOn(holder: Node, sessionId: string): Promise<void> {
    const opener = await connectClient(
      holder.server.url,
      await tokenFor(holder, `opener-${sessionId}`, sessionId, 'mediator'),
    );
    clients.push(opener);
    await joinSession(opener);
    await eventually(
      () => Promise.resolve(holder.server.server.sessions.get(sessionId)),
      `${sessionId} held by the node its first join reached`,
    );
  }

  /** A call page (it follows) of party `sub` that opens on node `at`. */
  async function pageAt(at: Node, sub: string, sessionId: string): Promise<NodeConnection> {
    const page = new NodeConnection(await tokenFor(at, sub, sessionId, 'party'), at.server.url, {
      follow: true,
    });
    pages.push(page);
    return page;
  }

  it('stays relayed when the owner’s own address cannot be reached', async () => {
    await sessionOn(a, 'SESSION-UNREACHABLE');
    const page = await pageAt(b, 'party-u', 'SESSION-UNREACHABLE');
    await page.whenConnected();
    expect(page.direct).toBeNull();
    // Relayed by node B to node A, which holds the session: the party waits to be admitted.
    const { rtpCapabilities } = await ask(page, 'media:capabilities', {});
    const joined = await ask(page, 'session:join', { rtpCapabilities });
    expect(joined.admission).toBe('waiting');
    expect(b.server.server.sessions.get('SESSION-UNREACHABLE')).toBeUndefined();
  });

  it('keeps the lease of a session another node placed on it for a page it sent there', async () => {
    // Node A's placement chose node B for a new session (as its CLAIM does for another node),
    // and a page that reached node A follows it there: node B must hold the lease from then on.
    const sessionId = 'SESSION-PLACED-ELSEWHERE';
    const redis = new Redis(inject('redisUrl'));
    try {
      const key = `${shared['REDIS_KEY_PREFIX']}session:${sessionId}:owner`;
      await redis.set(key, 'node-b-reached', 'PX', 3_000);
      const page = new NodeConnection(
        await tokenFor(a, 'party-p', sessionId, 'mediator'),
        a.server.url,
        { follow: true },
      );
      pages.push(page);
      await page.whenConnected();
      expect(page.direct).toBe(b.direct);
      // Longer than the lease B was given: it is renewed by B, not lapsed.
      await sleep(4_500);
      expect(await redis.get(key)).toBe('node-b-reached');
      const { rtpCapabilities } = await ask(page, 'media:capabilities', {});
      await ask(page, 'session:join', { rtpCapabilities });
      expect(b.server.server.sessions.get(sessionId)).toBeDefined();
    } finally {
      redis.disconnect();
    }
  });

  it('comes back through the address it started from when its node goes away, and joins again', async () => {
    // The session is held by node B, whose own address works; the page starts at node A.
    await sessionOn(b, 'SESSION-GOES');
    const page = await pageAt(a, 'party-g', 'SESSION-GOES');
    const reconnected = new Promise<void>((r) => page.onLifecycle('reconnect', r));
    await page.whenConnected();
    expect(page.direct).toBe(b.direct);
    await ask(page, 'media:capabilities', {});

    await b.server.close();
    await reconnected;
    // Back through node A, which now holds the session (B released it on its way out).
    expect(page.direct).toBeNull();
    const { rtpCapabilities } = await ask(page, 'media:capabilities', {});
    const joined = await ask(page, 'session:join', { rtpCapabilities });
    expect(joined.self.participantId).toBe('party-g');
    expect(a.server.server.sessions.get('SESSION-GOES')).toBeDefined();
  });
});

describe('the page’s connection: moves it must not follow', () => {
  /**
   * A server that answers every following handshake "moved" to `to(itself)`, and accepts
   * the others; resolves with the handshakes it saw (whether each followed).
   */
  async function movingServer(to: (self: string) => string): Promise<{
    url: string;
    handshakes: boolean[];
    close: () => Promise<void>;
  }> {
    const http = createHttpServer();
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    const io = new Server(http, { transports: ['websocket'] });
    const handshakes: boolean[] = [];
    io.use((socket, next) => {
      const follows = (socket.handshake.auth as { follow?: unknown }).follow === true;
      handshakes.push(follows);
      if (follows) next(Object.assign(new Error('moved'), { data: { moved: to(url) } }));
      else next();
    });
    return { url, handshakes, close: () => io.close() };
  }

  it('stops following after three moves in a row and stays where it is', async () => {
    const server = await movingServer((self) => self);
    const page = new NodeConnection('a token', server.url, { follow: true });
    try {
      await page.whenConnected();
      // The first handshake and three moves followed; then once more without following.
      expect(server.handshakes).toEqual([true, true, true, true, false]);
      expect(page.direct).toBeNull();
    } finally {
      page.close();
      await server.close();
    }
  });

  for (const target of ['ftp://127.0.0.1/node', 'javascript:alert(1)', 'not a url']) {
    it(`does not take its credential to ${target}`, async () => {
      const server = await movingServer(() => target);
      const page = new NodeConnection('a token', server.url, { follow: true });
      try {
        await page.whenConnected();
        expect(server.handshakes).toEqual([true, false]);
        expect(page.direct).toBeNull();
      } finally {
        page.close();
        await server.close();
      }
    });
  }

  it('does not leave https for http', async () => {
    // The page opened over https (as in production); the move names a plain http address.
    const page = new NodeConnection('a token', 'https://127.0.0.1:9', { follow: true });
    const moved = Object.assign(new Error('moved'), { data: { moved: 'http://127.0.0.1:9' } });
    try {
      // Feed the page's socket a "moved" refusal as its handshake would.
      const before = page.socket;
      (before as unknown as { emitReserved: (e: string, x: unknown) => void }).emitReserved(
        'connect_error',
        moved,
      );
      expect(page.direct).toBeNull();
      expect(page.socket).not.toBe(before);
      expect((page.socket.auth as { follow?: boolean }).follow).toBeUndefined();
    } finally {
      page.close();
    }
  });
});
