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
 * B reconnects its page, the session opens on B with its floor. When the link
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

  async function open(node: TestServer, sub: string, role: 'mediator' | 'party') {
    const token = await node.token({ sub, role, caseId: CASE, sessionId: SESSION });
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
    const mediatorTold = new Promise<string>((r) => mediatorOnA.socket.once('disconnect', r));
    const partyTold = new Promise<string>((r) => partyOnB.socket.once('disconnect', r));

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
