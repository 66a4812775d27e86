/**
 * A room of synthetic participants on a live session, for the media benchmarks
 * (bench:media in-process, bench:cluster inside a node process): each joins
 * admitted, publishes audio and video through two comedia PlainTransports (the
 * replayed RTP of bench/rtpLoad.ts goes there) and consumes everyone else on a
 * receive PlainTransport connected to a UDP sink the caller opened. Everything goes
 * through LiveSession's join / createPlainTransport / produce / consume /
 * resumeConsumer, so every product check and side effect is on the path.
 */
import type { Producer, RtpCapabilities, RtpParameters } from 'mediasoup/node/lib/types.js';
import type { LiveSession } from '../../server/media/LiveSession.js';
import type { ParticipantChannel } from '../../server/media/Participant.js';
import type { SessionRole } from '../../signaling/index.js';

/** Payload types of the replayed clip (its packets keep them). */
export const AUDIO_PT = 100;
export const VIDEO_PT = 101;

/** One RTP stream of a participant: the transport port it goes to and its SSRC. */
export interface Leg {
  port: number;
  ssrc: number;
}

/** Where the sender sends a participant's two streams. */
export interface SenderSpec {
  audio: Leg;
  video: Leg;
}

/** What a synthetic receiver declares: the two codecs, no RTX, no header extensions. */
export function sinkCapabilities(router: { rtpCapabilities: RtpCapabilities }): RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).filter((c) =>
      ['audio/opus', 'video/VP8'].includes(c.mimeType),
    ),
    headerExtensions: [],
  };
}

let ssrcSeed = 0x10000;
/** The RTP parameters matching what the sender sends: payload types and fresh SSRCs. */
export function senderParameters(): {
  audio: RtpParameters;
  video: RtpParameters;
  audioSsrc: number;
  videoSsrc: number;
} {
  const audioSsrc = ssrcSeed++;
  const videoSsrc = ssrcSeed++;
  const cname = `bench-${audioSsrc}`;
  return {
    audioSsrc,
    videoSsrc,
    audio: {
      codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: audioSsrc }],
      rtcp: { cname, reducedSize: true },
    },
    video: {
      codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
      encodings: [{ ssrc: videoSsrc }],
      rtcp: { cname, reducedSize: true },
    },
  };
}

/** What a room built: its producers (for stats), where to send, and each sink's SSRCs. */
export interface SyntheticRoom {
  producers: Producer[];
  senders: SenderSpec[];
  /** Per sink (in the order given), the SSRCs of the streams it consumes. */
  sinkSsrcs: number[][];
}

const silent: ParticipantChannel = { notify: () => undefined, disconnect: () => undefined };

/**
 * Adds one synthetic participant per sink (ids `<prefix>-p<i>`, with `roles`) to the
 * session; participant i's consumers go to `sinks[i]`.
 */
export async function addSyntheticRoom(
  session: LiveSession,
  options: { prefix: string; roles: SessionRole[]; sinks: { ip: string; port: number }[] },
): Promise<SyntheticRoom> {
  const { prefix, roles, sinks } = options;
  if (roles.length !== sinks.length) throw new Error('one role per sink');
  const caps = sinkCapabilities({ rtpCapabilities: await session.rtpCapabilities() });
  const ids = roles.map((_, i) => `${prefix}-p${i}`);
  for (const [i, participantId] of ids.entries()) {
    await session.join(
      { participantId, displayName: participantId, role: roles[i]! },
      caps,
      silent,
      { preAdmitted: true },
    );
  }
  // Publishing: two comedia send transports each (the sender sends each stream from
  // its own port in FFmpeg's manner), a producer on each.
  const room: SyntheticRoom = { producers: [], senders: [], sinkSsrcs: [] };
  const published: { participantId: string; producerIds: string[] }[] = [];
  for (const participantId of ids) {
    const p = senderParameters();
    const send = { direction: 'send', comedia: true } as const;
    const a = await session.createPlainTransport(participantId, send);
    const v = await session.createPlainTransport(participantId, send);
    const audioId = await session.produce(participantId, {
      transportId: a.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: p.audio,
    });
    const videoId = await session.produce(participantId, {
      transportId: v.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: p.video,
    });
    const own = session.participant(participantId).producers;
    for (const id of [audioId, videoId]) {
      const producer = own.get(id);
      if (!producer) throw new Error(`producer ${id} missing`);
      room.producers.push(producer);
    }
    published.push({ participantId, producerIds: [audioId, videoId] });
    room.senders.push({
      audio: { port: a.port, ssrc: p.audioSsrc },
      video: { port: v.port, ssrc: p.videoSsrc },
    });
  }
  // Receiving: one recv transport each, connected to its sink, consuming everyone else.
  for (const [i, participantId] of ids.entries()) {
    const ssrcs: number[] = [];
    const recv = await session.createPlainTransport(participantId, { direction: 'recv' });
    await session.connectPlainTransport(participantId, recv.transportId, sinks[i]!);
    for (const other of published) {
      if (other.participantId === participantId) continue;
      for (const producerId of other.producerIds) {
        const c = await session.consume(participantId, recv.transportId, producerId);
        for (const e of c.rtpParameters.encodings ?? []) if (e.ssrc) ssrcs.push(e.ssrc);
        await session.resumeConsumer(participantId, c.consumerId);
      }
    }
    room.sinkSsrcs.push(ssrcs);
  }
  return room;
}
