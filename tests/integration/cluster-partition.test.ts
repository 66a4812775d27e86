/**
 * A node cut off from Redis (issue 19): no error, only silence, as when a link
 * goes down between a node and Redis. Node A reaches Redis through a TCP
 * forwarder inside a network namespace of its own (tests/support/netns.ts);
 * node B reaches it directly. Taking the namespace's link down cuts A off.
 *
 * Node A holds a call (the mediator on A, a party relayed from B). After the
 * cut, A must give the session up before its lease can lapse (never two
 * owners: A's live session is closed before B opens it), send its page to
 * reconnect, and answer /healthz 503 so a balancer stops sending people to it;
 * B reconnects its page, the session opens on B with its floor. A page on A in
 * a call B holds is sent to reconnect as well (A cannot relay). When the link
 * is back, A serves again but does not take the session back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LEASE_MS } from '../../server/cluster/placement.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { NetnsRig, type NetnsHost } from '../support/netns.js';
import { freshDatabase } from '../support/postgres.js';
import { redisPrefix, startRedis, type RedisServer } from '../support/redis.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CASE = 'CASE-PARTITION';
const SESSION = 'SESSION-PARTITION';
const CASE_2 = 'CASE-PARTITION-2';
const SESSION_2 = 'SESSION-PARTITION-2';
/** The forwarder's port inside the namespace (a port space of its own). */
const FORWARD_PORT = 6390;

/** A TCP forwarder inside `host`'s namespace: nsIp:FORWARD_PORT → `to` (the rig's anchor). */
async function forwarder(host: NetnsHost, to: { ip: string; port: number }): Promise<ChildProcess> {
  const script =
    `const net=require('node:net');` +
    `net.createServer((c)=>{const u=net.connect(${to.port},'${to.ip}');c.pipe(u);u.pipe(c);` +
    `c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());})` +
    `.listen(${FORWARD_PORT},'${host.nsIp}',()=>process.stdout.write('ready\\n'));`;
  const child = spawn(
    'setpriv',
    ['--pdeathsig', 'SIGKILL', '--', 'ip', 'netns', 'exec', host.name, process.execPath],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin.end(script);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the forwarder did not start')), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the forwarder exited (${code})`)));
  });
  return child;
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Why `client` was disconnected; fails when it is not within 15 s. */
function disconnectOf(client: TestClient, who: string): Promise<string> {
  const told = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${who}: not disconnected`)), 15_000);
    client.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
  // Awaited later; a test that fails before then leaves no unhandled rejection behind.
  told.catch(() => undefined);
  return told;
}

const status = async (t: TestServer): Promise<number> => (await fetch(`${t.url}/healthz`)).status;

describe('a node cut off from Redis', () => {
  let rig: NetnsRig | undefined;
  let host: NetnsHost | undefined;
  let redis: RedisServer | undefined;
  let forward: ChildProcess | undefined;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    rig = NetnsRig.create();
    host = rig.addHost();
    redis = await startRedis({ bind: [rig.serverIp] });
    forward = await forwarder(host, { ip: rig.serverIp, port: redis.port });
    const shared = {
      DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'cluster-partition'),
      REDIS_KEY_PREFIX: redisPrefix('partition'),
      MEDIASOUP_NUM_WORKERS: '1',
    };
    a = await startTestServer({
      ...shared,
      NODE_ID: 'node-a',
      REDIS_URL: `redis://:${redis.password}@${host.nsIp}:${FORWARD_PORT}`,
    });
    b = await startTestServer({ ...shared, NODE_ID: 'node-b', REDIS_URL: redis.url });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    // The link back first: a node closing releases its leases in Redis.
    host?.linkUp();
    await a?.close();
    await b?.close();
    forward?.kill('SIGKILL');
    await redis?.stop();
    rig?.close();
  });

  async function open(
    node: TestServer,
    sub: string,
    role: 'mediator' | 'party',
    sessionId = SESSION,
  ) {
    const token = await node.token({
      sub,
      role,
      caseId: sessionId === SESSION ? CASE : CASE_2,
      sessionId,
    });
    const c = await connectClient(node.url, token);
    clients.push(c);
    return c;
  }

  it('gives the session up before its lease lapses, and the other node takes it', async () => {
    const nodeA = a!;
    const nodeB = b!;
    const mediatorOnA = await open(nodeA, 'mediator', 'mediator');
    await joinSession(mediatorOnA);
    const partyOnB = await open(nodeB, 'applicant', 'party');
    await joinSession(partyOnB, { admitBy: mediatorOnA, overrideReason: 'test' });
    await mediatorOnA.request('session:lock', { locked: true });
    const held = nodeA.server.sessions.get(SESSION);
    expect(held).toBeDefined();
    expect(nodeB.server.sessions.get(SESSION)).toBeUndefined();
    expect(await status(nodeA)).toBe(200);

    let closedOnA = Number.NaN;
    held!.addListener({ closed: () => (closedOnA = Date.now()) });
    let openedOnB = Number.NaN;
    nodeB.server.sessions.onCreated((s) => {
      if (s.sessionId === SESSION) openedOnB = Date.now();
    });
    // Another call, held by B, with a party whose socket is on A (relayed to B).
    const mediator2 = await open(nodeB, 'mediator-2', 'mediator', SESSION_2);
    await joinSession(mediator2);
    const party2OnA = await open(nodeA, 'respondent-2', 'party', SESSION_2);
    await joinSession(party2OnA, { admitBy: mediator2, overrideReason: 'test' });
    expect(nodeB.server.sessions.get(SESSION_2)).toBeDefined();
    const party2Told = disconnectOf(party2OnA, 'the party on A in B’s call');
    const mediatorTold = disconnectOf(mediatorOnA, 'the mediator on A');
    const partyTold = disconnectOf(partyOnB, 'the party on B');

    host!.linkDown();
    const cutAt = Date.now();
    // A gives the session up on its own, before the lease it last renewed can lapse.
    await until(
      () => nodeA.server.sessions.get(SESSION) === undefined,
      LEASE_MS + 2_000,
      'A gives up',
    );
    expect(closedOnA - cutAt).toBeLessThan(LEASE_MS);
    // Its page is told to reconnect (a transport close, as a network drop: pages reconnect).
    expect(await mediatorTold).toBe('transport close');
    // And the balancer is told not to send anyone to A.
    await until(async () => (await status(nodeA)) === 503, LEASE_MS + 2_000, 'A reports 503');
    // B sees the lease lapse and sends its page to reconnect too.
    expect(await partyTold).toBe('transport close');
    // A cannot relay either: its page in B's call reconnects, and through B it is back in.
    expect(await party2Told).toBe('transport close');
    const party2 = await open(nodeB, 'respondent-2', 'party', SESSION_2);
    expect((await joinSession(party2)).admission).toBe('admitted');

    // Both reconnect through the balancer, to B: the session opens there, with its floor.
    const mediator = await open(nodeB, 'mediator', 'mediator');
    await joinSession(mediator);
    const party = await open(nodeB, 'applicant', 'party');
    const joined = await joinSession(party);
    expect(joined.admission).toBe('admitted');
    expect(nodeB.server.sessions.get(SESSION)?.locked).toBe(true);
    // Never two owners: A's live session closed before B opened its own.
    expect(closedOnA).toBeLessThan(openedOnB);

    // The link comes back: A serves again, and leaves the session where it is.
    host!.linkUp();
    await until(async () => (await status(nodeA)) === 200, 15_000, 'A healthy again');
    await new Promise((r) => setTimeout(r, LEASE_MS));
    expect(nodeA.server.sessions.get(SESSION)).toBeUndefined();
    expect(
      nodeB.server.sessions
        .get(SESSION)
        ?.participants()
        .map((p) => p.id)
        .sort(),
    ).toEqual(['applicant', 'mediator']);
  });
});
