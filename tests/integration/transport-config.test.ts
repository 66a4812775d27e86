import { describe, expect, it } from 'vitest';
import { fakePeer } from '../support/fakeDevice.js';
import { perTestServer } from '../support/server.js';

describe('transport configuration and media sources', () => {
  const fixture = perTestServer();

  it('announces the configured IP, offers UDP and TCP and passes ICE servers to the browser', async () => {
    const iceServers = [
      { urls: ['turn:turn.example.org:3478?transport=udp'], username: 'u', credential: 'p' },
    ];
    await fixture.start({
      MEDIASOUP_ANNOUNCED_IP: '203.0.113.10',
      ICE_SERVERS: JSON.stringify(iceServers),
    });
    const c = await fixture.client({ sub: 'nat', role: 'mediator' });
    await fakePeer(c);
    const options = await c.request('transport:create', { direction: 'send' });
    expect(new Set(options.iceCandidates.map((x) => x.ip))).toEqual(new Set(['203.0.113.10']));
    expect(new Set(options.iceCandidates.map((x) => x.protocol))).toEqual(new Set(['udp', 'tcp']));
    expect(options.iceServers).toEqual(iceServers);
  });

  it('offers only TCP when UDP is disabled', async () => {
    await fixture.start({ MEDIASOUP_ENABLE_UDP: 'false' });
    const c = await fixture.client({ sub: 'tcp-only', role: 'mediator' });
    await fakePeer(c);
    const options = await c.request('transport:create', { direction: 'recv' });
    expect(options.iceCandidates.map((x) => x.protocol)).toEqual(['tcp']);
  });

  it('publishes a screen next to the camera, one producer per source, with the kind the source implies', async () => {
    await fixture.start();
    const mediator = await fixture.client({ sub: 'mediator', role: 'mediator' });
    await fakePeer(mediator);
    const sharer = await fixture.client({ sub: 'sharer', role: 'agent' });
    const viewer = await fixture.client({ sub: 'viewer' });
    const peer = await fakePeer(sharer, { admitBy: mediator });
    const viewerPeer = await fakePeer(viewer, { admitBy: mediator });
    const send = await peer.createTransport('send');
    await peer.produce(send, 'camera');
    const announced = viewer.next('producer:new', 5_000, (p) => p.source === 'screen');
    const screen = await peer.produce(send, 'screen');
    expect(await announced).toMatchObject({
      producerId: screen.id,
      participantId: 'sharer',
      kind: 'video',
    });

    const rtpParameters = {
      codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
      encodings: [{ ssrc: 1111 }],
    };
    expect(
      await sharer.ack('producer:create', {
        transportId: send.id,
        kind: 'video',
        source: 'screen',
        rtpParameters,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    expect(
      await sharer.ack('producer:create', {
        transportId: send.id,
        kind: 'video',
        source: 'microphone',
        rtpParameters,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    const recv = await peer.createTransport('recv');
    expect(
      await sharer.ack('producer:create', {
        transportId: recv.id,
        kind: 'audio',
        source: 'microphone',
        rtpParameters,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    // Parameters mediasoup itself rejects (a codec the router lacks) come back as a validation error.
    const viewerSend = await viewerPeer.createTransport('send');
    const h265 = {
      codecs: [{ mimeType: 'video/H265', payloadType: 100, clockRate: 90000 }],
      encodings: [{ ssrc: 2222 }],
    };
    const mic = {
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: 3333 }],
    };
    expect(
      await viewer.ack('producer:create', {
        transportId: viewerSend.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: h265,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(
      await viewer.ack('producer:create', {
        transportId: viewerSend.id,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: { ...mic, codecs: [{ ...mic.codecs[0]!, mimeType: 'audio/G729' }] },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });
});
