import { Router } from 'mediasoup/node/lib/Router.js';
import type { WebRtcTransport, WebRtcTransportOptions } from 'mediasoup/node/lib/types.js';
import { describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../signaling/index.js';
import { admitChecked, refusal, type TestClient } from '../support/client.js';
import { fakePeer } from '../support/fakeDevice.js';
import { sharedTestServer, type TestServer } from '../support/server.js';

describe('signaling over a real worker and a real Socket.IO client', () => {
  const shared = sharedTestServer();
  const open = (
    sub: string,
    extra: Parameters<TestServer['token']>[0] | object = {},
  ): Promise<TestClient> => shared.client({ sub, ...extra });

  it('creates workers, a router and WebRTC transports with the Debian-built worker', async () => {
    expect(shared.t.server.pool.workers).toHaveLength(2);
    const c = await open('mediator', { role: 'mediator' });
    const peer = await fakePeer(c);
    const send = await peer.createTransport('send');
    const recv = await peer.createTransport('recv');
    expect(send.id).not.toBe(recv.id);
    const session = shared.t.server.sessions.get('SESSION-1');
    expect(session?.dump().participants[0]?.id).toBe('mediator');
    expect(shared.t.server.pool.workers.map((w) => w.worker.pid)).toContain(session?.workerPid);
  });

  it('refuses requests before joining with INVALID_STATE', async () => {
    const c = await open('early');
    const res = await c.ack('transport:create', { direction: 'recv' });
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it("refuses an observer's attempt to publish", async () => {
    const mediator = await open('m-obs', { role: 'mediator' });
    await fakePeer(mediator);
    const c = await open('observer-1', { role: 'observer' });
    const peer = await fakePeer(c, { admitBy: mediator });
    expect(peer.join.canPublish).toEqual([]);
    expect(await c.ack('transport:create', { direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const forged = await c.ack('producer:create', {
      transportId: 'x',
      kind: 'audio',
      source: 'microphone',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      },
    });
    expect(forged).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The observer can still receive.
    await expect(peer.createTransport('recv')).resolves.toBeDefined();
  });

  it('keeps a party out of a session of another case', async () => {
    const a = await open('case1-party');
    await fakePeer(a);
    // A token naming CASE-2 with CASE-1's session: refused at the handshake.
    const intruder = await shared.t.token({ sub: 'case2-party', caseId: 'CASE-2' });
    expect(await refusal(shared.t.url, intruder)).toMatchObject({ reason: 'SESSION_CLOSED' });
    // Even with the check at the handshake bypassed, the live session refuses it.
    const session = shared.t.server.sessions.get('SESSION-1')!;
    await expect(shared.t.server.sessions.getOrCreate('SESSION-1', 'CASE-2')).rejects.toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
    expect(session.closed).toBe(false);
  });

  it('answers malformed payloads with a validation error and stays up', async () => {
    const c = await open('fuzzer', { role: 'mediator' });
    await fakePeer(c);
    const cases: [string, unknown[]][] = [
      ['transport:create', [{ direction: 'sideways' }]],
      ['transport:create', [null]],
      ['transport:create', ['send']],
      ['transport:create', [{ direction: 'send', extra: true }]],
      ['transport:connect', [{ transportId: 'a', dtlsParameters: { fingerprints: [] } }]],
      [
        'producer:create',
        [
          {
            transportId: 'a',
            kind: 'audio',
            source: 'microphone',
            rtpParameters: { codecs: 'opus' },
          },
        ],
      ],
      ['consumer:setPreferredLayers', [{ consumerId: 'c', spatialLayer: 99 }]],
      ['session:join', [{ rtpCapabilities: { codecs: Array.from({ length: 500 }, () => ({})) } }]],
    ];
    for (const [event, args] of cases) {
      const res = (await c.raw(event, ...args)) as {
        ok: boolean;
        error?: { code: string; issues?: string[] };
      };
      expect(res, event).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(res.error?.issues?.length, event).toBeGreaterThan(0);
    }
    const unknown = await c.raw('admin:dropDatabase', {});
    expect(unknown).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        reason: 'UNKNOWN_EVENT',
        params: { event: 'admin:dropDatabase' },
        message: 'Unknown event: admin:dropDatabase',
      },
    });
    // A request without an acknowledgement callback and an event with no args are ignored.
    (c.socket.emit as (e: string, ...a: unknown[]) => void)('transport:create', {
      direction: 'send',
    });
    (c.socket.emit as (e: string) => void)('session:leave');
    // The same socket still works, and so does the server.
    expect(await c.request('session:participants', {})).toMatchObject({
      participants: [{ participantId: 'fuzzer' }],
    });
    const health = await fetch(`${shared.t.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('drops a connection that sends an oversized message, and nothing else', async () => {
    const big = await open('big-sender');
    const closed = new Promise<string>((resolve) =>
      big.socket.once('disconnect', (reason) => resolve(reason)),
    );
    big.socket.emit(
      'session:join',
      { rtpCapabilities: { codecs: [], pad: 'x'.repeat(MAX_MESSAGE_BYTES * 2) } } as never,
      () => undefined,
    );
    expect(await closed).toBe('transport close');
    const other = await open('after-big');
    expect(await other.ack('media:capabilities', {})).toMatchObject({ ok: true });
  });

  it('rate-limits a flooding socket', async () => {
    const c = await open('flooder');
    const results = await Promise.all(
      Array.from({ length: 150 }, () => c.ack('session:participants', {})),
    );
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    expect(results.length - limited.length).toBeLessThanOrEqual(101);
  });

  it("serves the routers' capabilities over HTTP, public and cacheable, the same as a session's", async () => {
    const c = await open('caps', { role: 'mediator' });
    const viaSocket = await c.request('media:capabilities', {});
    // No credential: a joining page asks while its socket still connects.
    const reply = await fetch(`${shared.t.url}/api/media/capabilities`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await reply.json()) as typeof viaSocket;
    expect(body).toEqual(viaSocket);
    expect(body.rtpCapabilities.codecs?.map((codec) => codec.mimeType.toLowerCase())).toEqual(
      expect.arrayContaining(['audio/opus', 'video/vp8']),
    );
    c.close();
  });

  it('lets two peers exchange producer and consumer parameters', async () => {
    const mediator = await open('m1', { role: 'mediator', name: '王调解' });
    const mPeer = await fakePeer(mediator);
    const mSend = await mPeer.createTransport('send');
    const mic = await mPeer.produce(mSend, 'microphone');
    const cam = await mPeer.produce(mSend, 'camera');

    const party = await open('p1', { role: 'party', name: '张三' });
    const joinedSeen = mediator.next('participant:joined');
    const pPeer = await fakePeer(party, { admitBy: mediator });
    expect((await joinedSeen).participantId).toBe('p1');
    expect(pPeer.join.participants.map((p) => p.participantId)).toContain('m1');
    const announced = pPeer.join.producers.filter((p) => p.participantId === 'm1');
    expect(announced.map((p) => p.source).sort()).toEqual(['camera', 'microphone']);

    const pRecv = await pPeer.createTransport('recv');
    const audio = await pPeer.consume(pRecv, mic.id);
    const video = await pPeer.consume(pRecv, cam.id);
    expect(audio.options).toMatchObject({
      kind: 'audio',
      participantId: 'm1',
      source: 'microphone',
    });
    expect(audio.options.rtpParameters.codecs[0]?.mimeType.toLowerCase()).toBe('audio/opus');
    expect(video.options.rtpParameters.codecs[0]?.mimeType.toLowerCase()).toBe('video/vp8');
    expect(video.consumer.track.kind).toBe('video');
    await party.request('consumer:resume', { consumerId: video.options.consumerId });
    await party.request('consumer:setPreferredLayers', {
      consumerId: video.options.consumerId,
      spatialLayer: 0,
    });

    // A second consume of the same producer and consuming one's own media are refused.
    expect(
      await party.ack('consumer:create', { transportId: pRecv.id, producerId: mic.id }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const mRecv = await mPeer.createTransport('recv');
    expect(
      await mediator.ack('consumer:create', { transportId: mRecv.id, producerId: mic.id }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    // A party cannot pause someone else's producer.
    expect(await party.ack('producer:pause', { producerId: mic.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const paused = party.next('producer:paused');
    await mediator.request('producer:pause', { producerId: mic.id });
    expect(await paused).toEqual({ producerId: mic.id, participantId: 'm1' });

    const consumerClosed = party.next('consumer:closed');
    await mediator.request('producer:close', { producerId: cam.id });
    expect(await consumerClosed).toEqual({
      consumerId: video.options.consumerId,
      producerId: cam.id,
    });

    const left = party.next('participant:left');
    mediator.close();
    expect(await left).toEqual({ participantId: 'm1' });
  });

  it('makes the receive side at admission for a participant who asks, never in the waiting room', async () => {
    const mediator = await open('recv-m', { role: 'mediator', name: '王调解' });
    const mPeer = await fakePeer(mediator);
    // Not asked for: nothing made ahead.
    expect(mPeer.join.receive).toBeUndefined();
    const mSend = await mPeer.createTransport('send');
    const mic = await mPeer.produce(mSend, 'microphone');
    const cam = await mPeer.produce(mSend, 'camera');
    const session = shared.t.server.sessions.get('SESSION-1')!;

    // In the waiting room: no transport, no consumer, nothing in the join result.
    const party = await open('recv-p', { role: 'party', name: '张三' });
    const pPeer = await fakePeer(party, { receive: true });
    expect(pPeer.join.admission).toBe('waiting');
    expect(pPeer.join.receive).toBeUndefined();
    expect(session.participant('recv-p')?.transports.size).toBe(0);
    expect(session.participant('recv-p')?.consumers.size).toBe(0);

    // Admitted: the admission carries the transport and a paused consumer per producer.
    const granted = party.next('admission:granted');
    await admitChecked(mediator, 'recv-p');
    const admission = await granted;
    const receive = admission.receive!;
    expect(receive).toBeDefined();
    const ofMediator = receive.consumers.filter((c) => c.participantId === 'recv-m');
    expect(ofMediator.map((c) => [c.producerId, c.kind, c.source]).sort()).toEqual(
      [
        [cam.id, 'video', 'camera'],
        [mic.id, 'audio', 'microphone'],
      ].sort(),
    );
    const server = session.participant('recv-p')!;
    for (const c of ofMediator) expect(server.consumers.get(c.consumerId)?.paused).toBe(true);

    // The page takes them as its own: consumes with them and resumes one.
    const recv = pPeer.adoptTransport('recv', receive.transport);
    expect(recv.id).toBe(receive.transport.transportId);
    const video = await pPeer.consume(
      recv,
      cam.id,
      ofMediator.find((c) => c.producerId === cam.id),
    );
    expect(video.consumer.track.kind).toBe('video');
    await party.request('consumer:resume', { consumerId: video.options.consumerId });
    expect(server.consumers.get(video.options.consumerId)?.paused).toBe(false);
    // They are the consumers of record: a second one, or a second receive transport, is refused.
    expect(
      await party.ack('consumer:create', { transportId: recv.id, producerId: cam.id }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await party.ack('transport:create', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });

    // Admitted at once (a mediator): the join result itself carries them.
    const second = await open('recv-m2', { role: 'mediator', name: '李调解' });
    const m2Peer = await fakePeer(second, { receive: true });
    expect(m2Peer.join.admission).toBe('admitted');
    expect(
      m2Peer.join
        .receive!.consumers.filter((c) => c.participantId === 'recv-m')
        .map((c) => c.producerId)
        .sort(),
    ).toEqual([cam.id, mic.id].sort());
    for (const c of [party, second, mediator]) c.close();
  });

  it("keeps a replaced tab's receive side off the same person's newer tab", async () => {
    const mediator = await open('tabs-m', { role: 'mediator', name: '王调解' });
    const mPeer = await fakePeer(mediator);
    const mSend = await mPeer.createTransport('send');
    const mic = await mPeer.produce(mSend, 'microphone');
    const cam = await mPeer.produce(mSend, 'camera');
    const session = shared.t.server.sessions.get('SESSION-1')!;

    // The first tab's receive transport is held inside the worker's router until released.
    const original = Router.prototype.createWebRtcTransport;
    let hit!: () => void;
    const reached = new Promise<void>((resolve) => (hit = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    let held: WebRtcTransport | undefined;
    Router.prototype.createWebRtcTransport = async function (
      this: Router,
      options: WebRtcTransportOptions,
    ): Promise<WebRtcTransport> {
      const appData = options.appData as { participantId?: string; direction?: string } | undefined;
      if (holding && appData?.participantId === 'tabs-p' && appData.direction === 'recv') {
        holding = false;
        hit();
        await gate;
        held = await original.call(this, options);
        return held;
      }
      return original.call(this, options);
    } as typeof original;
    try {
      const first = await open('tabs-p', { role: 'mediator', name: '李调解' });
      void fakePeer(first, { receive: true }).catch(() => undefined);
      await reached;
      // The same person in a second tab, while the first tab's receive side is being made.
      const second = await open('tabs-p', { role: 'mediator', name: '李调解' });
      const peer = await fakePeer(second, { receive: true });
      const receive = peer.join.receive!;
      release();
      await vi.waitFor(() => expect(held?.closed).toBe(true), { timeout: 5_000 });

      // The newer tab holds exactly what its join result named: one receive transport, its consumers.
      const server = session.participant('tabs-p')!;
      const recv = [...server.transports.values()].filter((t) => t.appData.direction === 'recv');
      expect(recv.map((t) => t.id)).toEqual([receive.transport.transportId]);
      expect([...server.consumers.keys()].sort()).toEqual(
        receive.consumers.map((c) => c.consumerId).sort(),
      );
      expect(receive.consumers.map((c) => c.producerId).sort()).toEqual([cam.id, mic.id].sort());
      first.close();
      second.close();
    } finally {
      Router.prototype.createWebRtcTransport = original;
      release();
      mediator.close();
    }
  });

  it('replaces the older connection when the same person joins again', async () => {
    const first = await open('twice', { role: 'mediator' });
    await fakePeer(first);
    const replaced = first.next('session:replaced');
    const second = await open('twice', { role: 'mediator' });
    await fakePeer(second);
    await replaced;
    const participants = await second.request('session:participants', {});
    expect(participants.participants.filter((p) => p.participantId === 'twice')).toHaveLength(1);
  });
});
