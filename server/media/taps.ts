/**
 * Producer taps: server-side copies of a producer's RTP for a local
 * receiver (the recorder's FFmpeg). Each runs over a plain transport owned
 * by the session, not by a participant, so it is invisible to everyone in
 * the call; the session closes what is left of them when it closes, and
 * forgets them when a worker death took them.
 */
import type {
  MediaKind,
  PlainTransport,
  Router,
  RtpCapabilities,
  RtpParameters,
} from 'mediasoup/node/lib/types.js';
import type { SessionProducer } from './Participant.js';

/**
 * A server-side copy of one producer's RTP, sent over a plain transport
 * (RTP and RTCP on separate ports, as FFmpeg expects) to a local receiver.
 * Created paused: resume it once the receiver listens.
 */
export interface ProducerTap {
  readonly producerId: string;
  readonly kind: MediaKind;
  /** What the receiver gets (payload types, SSRC, codec parameters). */
  readonly rtpParameters: RtpParameters;
  resume(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  /** Stops sending; idempotent. */
  close(): void;
  /** Called once when the tap ends for any reason other than `close()`. */
  onEnded(listener: (reason: 'producer-closed' | 'router-closed') => void): void;
}

export type TapReceiver = { ip: string; port: number; rtcpPort: number };

type EndReason = 'producer-closed' | 'router-closed';

/** The plain transports of one session's producer taps. */
export class ProducerTaps {
  readonly #transports = new Set<PlainTransport>();
  /** How each open tap ends with a reason its listener hears. */
  readonly #ends = new Map<PlainTransport, (reason: EndReason) => void>();

  /**
   * Copies `producer`'s RTP to `receiver` through a plain transport listening
   * on `listenIp`. The consumer takes the producer's best layer.
   */
  async open(
    router: Router,
    listenIp: string,
    producer: SessionProducer,
    receiver: TapReceiver,
  ): Promise<ProducerTap> {
    const producerId = producer.id;
    const transport = await router.createPlainTransport({
      listenIp: { ip: listenIp },
      rtcpMux: false,
      comedia: false,
    });
    this.#transports.add(transport);
    transport.observer.once('close', () => {
      this.#transports.delete(transport);
      this.#ends.delete(transport);
    });
    try {
      await transport.connect(receiver);
      const consumer = await transport.consume({
        producerId,
        rtpCapabilities: tapCapabilities(router.rtpCapabilities),
        paused: true,
      });
      if (consumer.type === 'simulcast') {
        await consumer.setPreferredLayers({ spatialLayer: 3, temporalLayer: 3 });
      }
      let onEnded: ((reason: EndReason) => void) | undefined;
      let endedBy: EndReason | undefined;
      let stopped = false;
      const end = (reason: EndReason) => {
        if (stopped || endedBy) return;
        endedBy = reason;
        transport.close();
        onEnded?.(reason);
      };
      consumer.on('producerclose', () => end('producer-closed'));
      transport.on('routerclose', () => end('router-closed'));
      this.#ends.set(transport, end);
      return {
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        resume: () => consumer.resume(),
        requestKeyFrame: () => consumer.requestKeyFrame(),
        close: () => {
          stopped = true;
          transport.close();
        },
        onEnded: (listener) => {
          onEnded = listener;
          if (endedBy) listener(endedBy);
        },
      };
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /**
   * Closes every tap (the session closes). Each is ended as its producer's:
   * the producers close with the session, and the worker's word of it would
   * never reach a consumer closed here first, so its capture would only learn
   * from FFmpeg's 10 s read timeout.
   */
  closeAll(): void {
    for (const end of [...this.#ends.values()]) end('producer-closed');
    for (const transport of this.#transports) transport.close();
    this.#transports.clear();
    this.#ends.clear();
  }

  /** Forgets every tap: a worker death closed them already. */
  forget(): void {
    this.#transports.clear();
  }
}

/**
 * What a recorder receives: the media codecs without RTX, header extensions
 * or congestion-control feedback. FFmpeg sends no feedback, so those would
 * only make the worker run a bandwidth estimator (and probe) for nothing.
 */
function tapCapabilities(router: RtpCapabilities): RtpCapabilities {
  return {
    codecs: (router.codecs ?? [])
      .filter((c) => !/\/rtx$/i.test(c.mimeType))
      .map((c) => ({
        ...c,
        rtcpFeedback: (c.rtcpFeedback ?? []).filter(
          (f) => f.type !== 'transport-cc' && f.type !== 'goog-remb',
        ),
      })),
    headerExtensions: [],
  };
}
