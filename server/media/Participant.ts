/**
 * One person in a live session: their identity from the token, the RTP
 * capabilities of their browser and the media objects they own. The session
 * owns participants; a participant owns its transports, and mediasoup
 * cascades a transport's close to its producers and consumers.
 *
 * A transport is either a WebRTC transport (a browser, through the signaling
 * contract) or a plain RTP transport created server-side only (a recorder, a
 * synthetic participant); `appData.type` tells them apart.
 */
import type {
  Consumer,
  PlainTransport,
  Producer,
  RtpCapabilities,
  WebRtcTransport,
} from 'mediasoup/node/lib/types.js';
import type {
  AdmissionState,
  IdentityState,
  MediaSource,
  ParticipantInfo,
} from '../../signaling/index.js';
import type { FloorMember, ParticipantChannel, ParticipantIdentity } from '../floor/FloorMember.js';
import type { Logger } from '../logger.js';

export type { ParticipantChannel, ParticipantIdentity } from '../floor/FloorMember.js';

export type TransportDirection = 'send' | 'recv';

export type TransportType = 'webrtc' | 'plain';

export interface TransportAppData extends Record<string, unknown> {
  participantId: string;
  direction: TransportDirection;
  type: TransportType;
  /** Plain transports only: the remote address is learnt from the first packet. */
  comedia?: boolean;
}

/** A transport a participant owns: WebRTC (browsers) or plain RTP (server-side only). */
export type ParticipantTransport =
  WebRtcTransport<TransportAppData> | PlainTransport<TransportAppData>;

export function isWebRtcTransport(
  transport: ParticipantTransport,
): transport is WebRtcTransport<TransportAppData> {
  return transport.appData.type === 'webrtc';
}

export function isPlainTransport(
  transport: ParticipantTransport,
): transport is PlainTransport<TransportAppData> {
  return transport.appData.type === 'plain';
}

export interface ProducerAppData extends Record<string, unknown> {
  participantId: string;
  source: MediaSource;
}

/** A producer in a live session (what observers such as the recorder receive). */
export type SessionProducer = Producer<ProducerAppData>;

export interface ConsumerAppData extends Record<string, unknown> {
  participantId: string;
  producerParticipantId: string;
  source: MediaSource;
  /** The client asked for it to flow (`consumer:resume`); routing (caucus) may still hold it. */
  wanted?: boolean;
}

/** A consumer a participant owns. */
export type ParticipantConsumer = Consumer<ConsumerAppData>;

export class Participant implements FloorMember {
  readonly identity: ParticipantIdentity;
  readonly joinedAt: Date;
  readonly channel: ParticipantChannel;
  readonly logger: Logger;
  rtpCapabilities: RtpCapabilities;
  readonly transports = new Map<string, ParticipantTransport>();
  readonly producers = new Map<string, SessionProducer>();
  readonly consumers = new Map<string, ParticipantConsumer>();
  admission: AdmissionState = 'waiting';
  identityCheck: IdentityState = 'unchecked';
  handRaised = false;
  mutedByMediator = false;
  /** No packets from this participant for two seconds while publishing (see LiveSession). */
  mediaStalled = false;
  /** Bytes their transports had received at the last check, and seconds without more. */
  bytesReceived = 0;
  quietSeconds = 0;
  /** The socket dropped without leaving; the place is kept until it comes back or the grace ends. */
  connectionLost = false;
  /** Asked at join: their receive side is made by the server at admission (`JoinResult.receive`). */
  wantsReceive = false;
  /** Latest mediasoup score (0–10) of each of this participant's producers. */
  readonly scores = new Map<string, number>();
  #closed = false;

  constructor(
    identity: ParticipantIdentity,
    rtpCapabilities: RtpCapabilities,
    channel: ParticipantChannel,
    logger: Logger,
  ) {
    this.identity = identity;
    this.rtpCapabilities = rtpCapabilities;
    this.channel = channel;
    this.logger = logger;
    this.joinedAt = new Date();
  }

  get id(): string {
    return this.identity.participantId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  info(): ParticipantInfo {
    return {
      participantId: this.identity.participantId,
      displayName: this.identity.displayName,
      role: this.identity.role,
      joinedAt: this.joinedAt.toISOString(),
      admission: this.admission,
      identity: this.identityCheck,
      handRaised: this.handRaised,
      mutedByMediator: this.mutedByMediator,
      ...(this.identity.side ? { side: this.identity.side } : {}),
      reconnecting: this.mediaStalled || this.connectionLost,
    };
  }

  /** Forgets every media object (after a worker death they are gone already). */
  resetMedia(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }

  producerBySource(source: MediaSource): SessionProducer | undefined {
    for (const p of this.producers.values()) if (p.appData.source === source) return p;
    return undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.resetMedia();
  }
}

/** "Fair" in the clients' reading of a score (≥ 4 fair, ≥ 7 good). */
const HELD_BACK_SCORE = 6;

/** One RTP stream's score as mediasoup reports it (0 bad … 10 good). */
export interface StreamScore {
  ssrc: number;
  rid?: string | undefined;
  score: number;
}

/**
 * The score shown to mediators for one producer: its best stream's, but no
 * better than "fair" (6) while a simulcast camera is down to its lowest
 * layer — the sender's browser found too little bandwidth (or CPU) for more,
 * and everyone sees a small picture of this participant although the few
 * packets it still sends arrive intact. `encodings` are the producer's, lowest
 * layer first.
 */
export function producerScore(
  scores: readonly StreamScore[],
  encodings: readonly { rid?: string | undefined; ssrc?: number | undefined }[],
): number {
  const best = Math.max(0, ...scores.map((x) => x.score));
  const lowest = encodings[0];
  if (encodings.length < 2 || scores.length < 2 || !lowest) return best;
  const isLowest = (x: StreamScore) =>
    lowest.rid !== undefined ? x.rid === lowest.rid : x.ssrc === lowest.ssrc;
  const active = scores.filter((x) => x.score > 0);
  if (active.length === 1 && isLowest(active[0]!)) return Math.min(best, HELD_BACK_SCORE);
  return best;
}
