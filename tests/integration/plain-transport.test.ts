/**
 * Server-side plain RTP transports (recording, synthetic participants): a
 * participant publishes Opus sent by FFmpeg (stream copy of a generated clip)
 * and another receives it on a local UDP socket, through the session's normal
 * produce/consume checks. Plain transports are not part of the Socket.IO
 * contract.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RtpCapabilities } from '../../signaling/index.js';
import type { LiveSession } from '../../server/media/LiveSession.js';
import type { ParticipantChannel } from '../../server/media/Participant.js';
import { startTestServer, type TestServer } from '../support/server.js';

// npm test installs FFmpeg (scripts/install-system-deps.sh test); without it this fails, never skips.
if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
  throw new Error('ffmpeg is not installed: run scripts/install-system-deps.sh test');
}

const silentChannel: ParticipantChannel = { notify: () => undefined, disconnect: () => undefined };

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('plain RTP transports owned by a session participant', () => {
  let t: TestServer;
  let tmp: string;
  const children: ChildProcess[] = [];
  const sockets: dgram.Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'plain-transport-'));
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const s of sockets) s.close();
    await t.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function joined(
    sessionId: string,
    people: { participantId: string; role: 'party' | 'observer' | 'mediator' }[],
  ): Promise<LiveSession> {
    const session = await t.server.sessions.getOrCreate(sessionId, 'CASE-1');
    const caps = (await session.rtpCapabilities()) as RtpCapabilities;
    for (const p of people) {
      await session.join({ ...p, displayName: p.participantId }, caps, silentChannel, {
        preAdmitted: true,
      });
    }
    return session;
  }

  it('carries Opus from FFmpeg (stream copy) over a send plain transport to a consumer on a recv plain transport', async () => {
    // A tiny clip, encoded once; the sender below only copies its packets.
    const clip = path.join(tmp, 'tone.ogg');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1'],
      ...['-c:a', 'libopus', '-b:a', '32k', clip],
    ]);

    const session = await joined('SESSION-PLAIN', [
      { participantId: 'speaker', role: 'party' },
      { participantId: 'listener', role: 'observer' },
    ]);

    const send = await session.createPlainTransport('speaker', {
      direction: 'send',
      comedia: true,
    });
    expect(send).toMatchObject({ ip: '127.0.0.1', port: expect.any(Number) });
    expect(send.rtcpPort).toBeUndefined();
    const ssrc = 0x1234567;
    const producerId = await session.produce('speaker', {
      transportId: send.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc }],
      },
    });

    // The sink: a UDP socket counting the RTP packets (not RTCP) it receives.
    const received: { pt: number; ssrc: number }[] = [];
    const sink = dgram.createSocket('udp4');
    sockets.push(sink);
    sink.on('message', (msg) => {
      const secondByte = msg[1] ?? 0;
      if (msg.length >= 12 && (secondByte < 192 || secondByte > 223)) {
        received.push({ pt: secondByte & 0x7f, ssrc: msg.readUInt32BE(8) });
      }
    });
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));

    const recv = await session.createPlainTransport('listener', { direction: 'recv' });
    await session.connectPlainTransport('listener', recv.transportId, {
      ip: '127.0.0.1',
      port: sink.address().port,
    });
    const consumer = await session.consume('listener', recv.transportId, producerId);
    await session.resumeConsumer('listener', consumer.consumerId);

    const ffmpeg = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
        ...['-re', '-stream_loop', '-1', '-i', clip, '-map', '0:a:0', '-c', 'copy'],
        ...['-f', 'rtp', '-payload_type', '100', '-ssrc', String(ssrc)],
        // No RTCP: FFmpeg would send it from a second port, which a comedia
        // transport with RTCP multiplexing would not accept.
        ...['-rtpflags', 'skip_rtcp'],
        `rtp://${send.ip}:${send.port}?pkt_size=1200`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    children.push(ffmpeg);

    await until(() => received.length >= 10, 10_000);
    ffmpeg.kill('SIGKILL');
    const [first] = received;
    expect(first?.pt).toBe(consumer.rtpParameters.codecs[0]?.payloadType);
    expect(first?.ssrc).toBe(consumer.rtpParameters.encodings?.[0]?.ssrc);
    expect(session.dump().participants.find((p) => p.id === 'listener')?.consumers).toBe(1);
  });

  it('keeps the role rules and keeps plain transports out of the WebRTC calls', async () => {
    const session = await joined('SESSION-PLAIN-RULES', [
      { participantId: 'mediator', role: 'mediator' },
      { participantId: 'observer', role: 'observer' },
    ]);
    await expect(
      session.createPlainTransport('observer', { direction: 'send' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // An observer may still receive over a plain transport.
    await expect(
      session.createPlainTransport('observer', { direction: 'recv' }),
    ).resolves.toMatchObject({ port: expect.any(Number) });

    const plain = await session.createPlainTransport('mediator', {
      direction: 'send',
      comedia: true,
    });
    // DTLS and ICE calls (the signaling contract) do not see plain transports.
    await expect(
      session.connectTransport('mediator', plain.transportId, {
        role: 'client',
        fingerprints: [{ algorithm: 'sha-256', value: 'AA' }],
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(session.restartIce('mediator', plain.transportId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A comedia transport learns its peer from the first packet.
    await expect(
      session.connectPlainTransport('mediator', plain.transportId, { ip: '127.0.0.1', port: 9 }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // A plain transport does not take the place of the one WebRTC send transport.
    await expect(session.createTransport('mediator', 'send')).resolves.toMatchObject({
      transportId: expect.any(String),
    });
    // Producing on a recv plain transport is refused as before.
    const recv = await session.createPlainTransport('mediator', { direction: 'recv' });
    await expect(
      session.produce('mediator', {
        transportId: recv.transportId,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc: 42 }],
        },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Leaving closes them with the rest of the participant's media.
    session.leave('mediator');
    expect(session.participants().map((p) => p.id)).toEqual(['observer']);
  });
});
