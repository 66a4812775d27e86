/**
 * A synthetic participant's media for server-side tests: one FFmpeg encodes
 * a test pattern (VP8) and a tone (Opus) live and sends them as RTP into
 * plain transports of the live session, where they become ordinary
 * producers (`camera` and `microphone`) of that participant.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LiveSession } from '../../server/media/LiveSession.js';

export interface SyntheticMedia {
  audioProducerId: string | undefined;
  videoProducerId: string | undefined;
  process: ChildProcess;
  /** Stops sending (the producers stay until closed or the participant leaves). */
  stop(): void;
}

const AUDIO_PT = 100;
const VIDEO_PT = 101;

export async function publishSynthetic(
  session: LiveSession,
  participantId: string,
  options: { audio?: boolean; video?: boolean; frequency?: number } = {},
): Promise<SyntheticMedia> {
  const { audio = true, video = true, frequency = 440 } = options;
  const ssrcBase = 0x100000 + Math.floor(Math.random() * 0xffffff);
  const args = [...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re']];
  const outputs: string[] = [];
  let audioProducerId: string | undefined;
  let videoProducerId: string | undefined;
  if (video) {
    args.push('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15');
  }
  if (audio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000`);
  }
  if (video) {
    const t = await session.createPlainTransport(participantId, {
      direction: 'send',
      comedia: true,
    });
    videoProducerId = await session.produce(participantId, {
      transportId: t.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
        encodings: [{ ssrc: ssrcBase + 1 }],
      },
    });
    outputs.push(
      ...['-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'],
      ...['-b:v', '300k', '-g', '15', '-pix_fmt', 'yuv420p'],
      ...['-f', 'rtp', '-payload_type', String(VIDEO_PT), '-ssrc', String(ssrcBase + 1)],
      ...['-rtpflags', 'skip_rtcp', `rtp://${t.ip}:${t.port}?pkt_size=1200`],
    );
  }
  if (audio) {
    const t = await session.createPlainTransport(participantId, {
      direction: 'send',
      comedia: true,
    });
    audioProducerId = await session.produce(participantId, {
      transportId: t.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: ssrcBase + 2 }],
      },
    });
    outputs.push(
      ...['-map', `${video ? 1 : 0}:a`, '-c:a', 'libopus', '-b:a', '32k', '-ac', '2'],
      ...['-f', 'rtp', '-payload_type', String(AUDIO_PT), '-ssrc', String(ssrcBase + 2)],
      ...['-rtpflags', 'skip_rtcp', `rtp://${t.ip}:${t.port}?pkt_size=1200`],
    );
  }
  // Dies with the process that started it, even a killed one (crash tests).
  const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', ...args, ...outputs], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return {
    audioProducerId,
    videoProducerId,
    process: child,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
