import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { fakePeer } from '../support/fakeDevice.js';
import { perTestServer } from '../support/server.js';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('worker pool', () => {
  const fixture = perTestServer();

  it('survives a SIGKILLed worker: replaces it, rebuilds the session router and tells clients to reconnect media', async () => {
    const t = await fixture.start();
    const server = t.server;
    const a = await fixture.client({ sub: 'a', role: 'mediator' });
    const b = await fixture.client({ sub: 'b' });
    const aPeer = await fakePeer(a);
    await fakePeer(b, { admitBy: a });
    const aSend = await aPeer.createTransport('send');
    await aPeer.produce(aSend, 'microphone');

    const session = server.sessions.get('SESSION-1')!;
    const deadPid = session.workerPid;
    const resetA = a.next('media:reset', 10_000);
    const resetB = b.next('media:reset', 10_000);
    process.kill(deadPid, 'SIGKILL');

    expect(await resetA).toEqual({ reason: 'worker-died' });
    expect(await resetB).toEqual({ reason: 'worker-died' });
    expect(session.closed).toBe(false);
    expect(session.workerPid).not.toBe(deadPid);
    // Old media objects are gone; participants are still in the session.
    expect(
      session.dump().participants.map((p) => ({ id: p.id, producers: p.producers.length })),
    ).toEqual([
      { id: 'a', producers: 0 },
      { id: 'b', producers: 0 },
    ]);
    // The floor is untouched: the party admitted before stays admitted, without a knock.
    expect(session.participant('b').admission).toBe('admitted');
    expect(server.sessions.remembered()).toEqual(['SESSION-1']);
    await expect(b.request('transport:create', { direction: 'recv' })).resolves.toMatchObject({
      transportId: expect.any(String),
    });
    // The pool is back to one worker per configured slot.
    await until(() => server.pool.workers.length === 2);
    expect(server.pool.workers.map((w) => w.worker.pid)).not.toContain(deadPid);

    // Clients rebuild: new transports, a new producer that the other side sees.
    const announced = b.next('producer:new');
    const aSend2 = await aPeer.createTransport('send');
    const stale = await a.ack('transport:connect', {
      transportId: aSend.id,
      dtlsParameters: {
        fingerprints: [{ algorithm: 'sha-256', value: Array(32).fill('AA').join(':') }],
      },
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    aSend.close();
    const mic = await aPeer.produce(aSend2, 'microphone');
    expect(await announced).toMatchObject({
      producerId: mic.id,
      participantId: 'a',
      source: 'microphone',
    });

    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(t.server.pool.workers).toHaveLength(2);
    expect(t.server.sessions.all()).toHaveLength(1);
  });

  it('places new sessions on the least-loaded worker', async () => {
    const t = await fixture.start();
    for (const sessionId of ['S-A', 'S-B']) {
      const c = await fixture.client({ sub: `p-${sessionId}`, sessionId, role: 'mediator' });
      await fakePeer(c);
    }
    const pids = ['S-A', 'S-B'].map((s) => t.server.sessions.get(s)!.workerPid);
    expect(new Set(pids).size).toBe(2);
    expect(t.server.pool.workers.map((w) => w.routers)).toEqual([1, 1]);
  });

  it('runs in single-port mode through a WebRtcServer per worker and shuts down with live transports', async () => {
    // Two adjacent ports free for TCP and UDP (one per worker): a fixed guess can be taken.
    const basePort = await freePortPair(46_000);
    const t = await fixture.start({
      MEDIASOUP_WEBRTC_SERVER: 'true',
      MEDIASOUP_WEBRTC_SERVER_PORT: String(basePort),
    });
    const c = await fixture.client({ sub: 'single-port', role: 'mediator' });
    await fakePeer(c);
    const options = await c.request('transport:create', { direction: 'recv' });
    const ports = new Set(options.iceCandidates.map((cand) => cand.port));
    const protocols = new Set(options.iceCandidates.map((cand) => cand.protocol));
    expect([...ports].every((p) => p === basePort || p === basePort + 1)).toBe(true);
    expect(protocols).toEqual(new Set(['udp', 'tcp']));
    // Closing with a live WebRTC transport must not abort the worker (mediasoup 3.12.16 defect).
    const pids = t.server.pool.workers.map((w) => w.worker.pid);
    await t.close();
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => pids.every((pid) => !alive(pid)), 5_000);
  });
});

/** Whether `port` on 127.0.0.1 can be bound for `kind` right now. */
function bindable(kind: 'tcp' | 'udp', port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (kind === 'tcp') {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    } else {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    }
  });
}

/** The first even port from `from` whose pair (it and the next) is free for TCP and UDP. */
async function freePortPair(from: number): Promise<number> {
  for (let port = from; port < from + 4000; port += 2) {
    const checks = await Promise.all(
      [port, port + 1].flatMap((p) => [bindable('tcp', p), bindable('udp', p)]),
    );
    if (checks.every(Boolean)) return port;
  }
  throw new Error(`no free port pair from ${from}`);
}
