/**
 * Socket.IO hardening: pass-through media parameters validated to the last
 * field (finding 9), the waiting room refused everything it does not need
 * (finding 7), and per-person limits on sockets and request rate (finding 8).
 */
import { describe, expect, it } from 'vitest';
import { joinSession, type TestClient } from '../support/client.js';
import { fakePeer } from '../support/fakeDevice.js';
import { perTestServer, sharedTestServer } from '../support/server.js';

/** `{"a":{"a":…}}`, `depth` levels deep, as JSON text (deeper than JSON.stringify reaches). */
const DEEP = '{"a":'.repeat(8000) + '{}' + '}'.repeat(8000);
/** A placeholder replaced by DEEP in the JSON text sent. */
const deep = '@@DEEP@@';

const FINGERPRINT = {
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase())
    .join(':')
    .slice(0, 95),
};

describe('pass-through media parameters (finding 9)', () => {
  const shared = sharedTestServer();

  it('refuses a NUL character anywhere in a payload with VALIDATION (PostgreSQL cannot store one)', async () => {
    const c = await shared.client({ sub: 'nul-mediator', role: 'mediator' });
    for (const payload of [
      { direction: 'send\u0000' },
      { direction: 'send', ['x\u0000']: 1 },
      { direction: 'send', nested: [{ a: 'ok' }, { b: '\u0000' }] },
    ]) {
      const reply = (await c.ack('transport:create', payload as never)) as {
        ok: boolean;
        error?: { code?: string; details?: { issues?: string[] } };
      };
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(JSON.stringify(reply.error)).toContain('U+0000');
    }
    expect(await c.ack('media:capabilities', {})).toMatchObject({ ok: true });
  });

  it('refuses deeply nested or oversized parameters with VALIDATION, and stays up', async () => {
    const { t } = shared;
    const c = await shared.client({ sub: 'deep-mediator', role: 'mediator' });
    const peer = await fakePeer(c);
    const send = await c.request('transport:create', { direction: 'send' });
    const codec = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
    const attempts: [string, unknown][] = [
      [
        'transport:connect',
        {
          transportId: send.transportId,
          dtlsParameters: { role: 'client', fingerprints: [FINGERPRINT], extra: deep },
        },
      ],
      [
        'transport:connect',
        {
          transportId: send.transportId,
          dtlsParameters: { role: 'client', fingerprints: [{ ...FINGERPRINT, x: deep }] },
        },
      ],
      [
        'transport:connect',
        {
          transportId: send.transportId,
          dtlsParameters: { role: 'sideways', fingerprints: [FINGERPRINT] },
        },
      ],
      [
        'transport:connect',
        {
          transportId: send.transportId,
          dtlsParameters: { role: 'client', fingerprints: [{ ...FINGERPRINT, value: 'zz' }] },
        },
      ],
      [
        'producer:create',
        {
          transportId: send.transportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: { codecs: [codec], appData: deep },
        },
      ],
      [
        'producer:create',
        {
          transportId: send.transportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: { codecs: [{ ...codec, parameters: { useinbandfec: deep } }] },
        },
      ],
      [
        'producer:create',
        {
          transportId: send.transportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: {
            codecs: [codec],
            encodings: [{ ssrc: 1111, rtx: { ssrc: 2, x: deep } }],
          },
        },
      ],
      [
        'producer:create',
        {
          transportId: send.transportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: { codecs: [codec], rtcp: { cname: 'x', nested: deep } },
        },
      ],
      ['session:join', { rtpCapabilities: { ...peer.device.rtpCapabilities, sctp: deep } }],
    ];
    for (const [event, payload] of attempts) {
      const json = JSON.stringify(payload).replace(`"${deep}"`, DEEP);
      expect(json.length, event).toBeLessThan(60_000);
      const res = (await c.rawJson(event, json)) as { ok: boolean; error?: { code: string } };
      expect(res, event).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    // The same transport still connects with what a real client sends.
    const recv = await peer.createTransport('recv');
    expect(recv.id).toBeDefined();
  });
});

describe('the waiting room (finding 7)', () => {
  const shared = sharedTestServer();
  const open = (sub: string, role: 'mediator' | 'party' = 'party') => shared.client({ sub, role });

  it('tells someone waiting nothing of the session: no participants, no evidence, no floor', async () => {
    const mediator = await open('wr-mediator', 'mediator');
    await joinSession(mediator);
    const waiting = await open('wr-party');
    expect((await joinSession(waiting)).admission).toBe('waiting');
    for (const [event, payload] of [
      ['session:participants', {}],
      ['evidence:list', {}],
      ['evidence:stop', {}],
      ['hand:raise', { raised: true }],
    ] as const) {
      const res = await waiting.raw(event, payload);
      expect(res, event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(JSON.stringify(res), event).not.toContain('wr-mediator');
    }
    // What the waiting room needs still works: leaving.
    expect(await waiting.ack('session:leave', {})).toEqual({ ok: true, data: {} });
    // Once admitted, the same requests are answered.
    const again = await open('wr-party-2');
    await joinSession(again, { admitBy: mediator });
    expect(await again.request('session:participants', {})).toMatchObject({
      participants: expect.arrayContaining([
        expect.objectContaining({ participantId: 'wr-mediator' }),
      ]),
    });
  });
});

describe('per-person limits (finding 8)', () => {
  const fixture = perTestServer();

  it('keeps at most SOCKET_MAX_PER_PERSON live sockets per person: the oldest are replaced', async () => {
    await fixture.start();
    const sockets: TestClient[] = [];
    const replaced: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await fixture.client({ sub: 'one-invitation' });
      sockets.push(c);
      replaced.push(
        Promise.race([
          c.next('session:replaced', 5000),
          new Promise((r) => c.socket.once('disconnect', r)),
        ]),
      );
    }
    // The seven oldest were told and closed; the three newest stay.
    await Promise.all(replaced.slice(0, 7));
    await until(() => sockets.filter((c) => c.socket.connected).length === 3);
    expect(sockets.slice(7).every((c) => c.socket.connected)).toBe(true);
    expect(await sockets[9]!.ack('media:capabilities', {})).toMatchObject({ ok: true });
    // Someone else is not affected.
    const other = await fixture.client({ sub: 'someone-else' });
    expect(other.socket.connected).toBe(true);
  });

  it('replaces pages not in the call before the one in it: a second device opening the link does not end the call', async () => {
    await fixture.start();
    const inCall = await fixture.client({ sub: 'two-devices', role: 'mediator' });
    await joinSession(inCall);
    let told = false;
    inCall.socket.on('session:replaced' as never, () => {
      told = true;
    });
    // The other device's page connects ahead of its join (and its inbox), three times over.
    const idle: TestClient[] = [];
    for (let i = 0; i < 3; i++)
      idle.push(await fixture.client({ sub: 'two-devices', role: 'mediator' }));
    await until(() => idle.filter((c) => c.socket.connected).length === 2);
    expect(idle[0]!.socket.connected).toBe(false);
    expect(inCall.socket.connected).toBe(true);
    expect(told).toBe(false);
    expect(await inCall.ack('session:participants', {})).toMatchObject({ ok: true });
  });

  it('rate-limits a person across all their sockets, not each socket apart', async () => {
    await fixture.start({
      SOCKET_RATE_LIMIT: '5',
      SOCKET_RATE_BURST: '10',
      SOCKET_PERSON_RATE_LIMIT: '5',
      SOCKET_PERSON_RATE_BURST: '10',
    });
    const mine = [
      await fixture.client({ sub: 'flooder' }),
      await fixture.client({ sub: 'flooder' }),
      await fixture.client({ sub: 'flooder' }),
    ];
    const replies = await Promise.all(
      mine.flatMap((c) => Array.from({ length: 20 }, () => c.ack('session:participants', {}))),
    );
    const answered = replies.filter((r) => r.ok || r.error.code !== 'RATE_LIMITED').length;
    // Ten for the person (the burst), not ten per socket.
    expect(answered).toBeLessThanOrEqual(10);
    expect(answered).toBeGreaterThan(0);
    // Another person keeps their own budget.
    const other = await fixture.client({ sub: 'bystander' });
    expect(await other.ack('session:participants', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
