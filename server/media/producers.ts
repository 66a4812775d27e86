/**
 * What a participant publishes: the checks before a producer is made (the
 * role may publish the source, the kind matches it, one producer per
 * source), the producer on the participant's send transport with its
 * bookkeeping (scores, close), and how producers are described to clients.
 * What the rest of the session does about a new producer (announcing it,
 * watching its packets, observers) it learns through the hooks.
 */
import type { MediaKind, RtpParameters } from 'mediasoup/node/lib/types.js';
import type { MediaSource, ProducerInfo } from '../../signaling/index.js';
import { can, publishPermission } from '../../signaling/index.js';
import { fail, NotFoundError, withClientParameters } from '../errors.js';
import {
  producerScore,
  type Participant,
  type ProducerAppData,
  type SessionProducer,
} from './Participant.js';
import { ownTransport } from './transports.js';

export interface PublishRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  source: MediaSource;
}

/** What the session does as a producer lives. */
export interface PublishHooks {
  /** A producer exists: start watching for participants whose packets stop. */
  watch(): void;
  /** One of the producer's stream scores changed. */
  scored(): void;
  /** The producer closed, for whatever reason. */
  closed(producer: SessionProducer): void;
  /** Lets an audio producer compete for the active speaker. */
  observeSpeaker(producerId: string): Promise<void>;
}

const SOURCE_KIND: Record<MediaSource, MediaKind> = {
  microphone: 'audio',
  camera: 'video',
  screen: 'video',
};

/**
 * A producer of `request.source` on the participant's send transport. A
 * microphone the mediator muted before it was published starts paused.
 */
export async function publish(
  participant: Participant,
  request: PublishRequest,
  hooks: PublishHooks,
): Promise<SessionProducer> {
  if (!can(participant.identity.role, publishPermission(request.source))) {
    throw fail('ROLE_MAY_NOT_PUBLISH', {
      role: participant.identity.role,
      source: request.source,
    });
  }
  if (SOURCE_KIND[request.source] !== request.kind) {
    throw fail('SOURCE_KIND_MISMATCH', {
      source: request.source,
      kind: SOURCE_KIND[request.source],
    });
  }
  if (participant.producerBySource(request.source)) {
    throw fail('ALREADY_PUBLISHING', { source: request.source });
  }
  const transport = ownTransport(participant, request.transportId, 'send');
  const appData: ProducerAppData = { participantId: participant.id, source: request.source };
  const producer = await withClientParameters('producer:create', () =>
    transport.produce({ kind: request.kind, rtpParameters: request.rtpParameters, appData }),
  );
  participant.producers.set(producer.id, producer);
  hooks.watch();
  producer.observer.once('close', () => {
    participant.producers.delete(producer.id);
    participant.scores.delete(producer.id);
    hooks.closed(producer);
  });
  producer.on('score', (scores) => {
    participant.scores.set(
      producer.id,
      producerScore(scores, producer.rtpParameters.encodings ?? []),
    );
    hooks.scored();
  });
  if (request.source === 'microphone' && participant.mutedByMediator) {
    // Muted by the mediator before publishing: the microphone starts paused.
    await producer.pause();
  }
  if (producer.kind === 'audio') {
    await hooks.observeSpeaker(producer.id).catch((error: unknown) => {
      participant.logger.warn({ err: error }, 'cannot observe audio producer for active speaker');
    });
  }
  participant.logger.info({ producerId: producer.id, source: request.source }, 'producer created');
  return producer;
}

/** One of the participant's own producers. */
export function ownProducer(participant: Participant, producerId: string): SessionProducer {
  const producer = participant.producers.get(producerId);
  if (!producer) throw new NotFoundError('Producer');
  return producer;
}

/** Anyone's producer in the session, by id. */
export function findProducer(
  participants: Iterable<Participant>,
  producerId: string,
): SessionProducer | undefined {
  for (const p of participants) {
    const producer = p.producers.get(producerId);
    if (producer) return producer;
  }
  return undefined;
}

/** A producer as clients learn of it. */
export function producerInfo(producer: {
  id: string;
  kind: MediaKind;
  paused: boolean;
  appData: ProducerAppData;
}): ProducerInfo {
  return {
    producerId: producer.id,
    participantId: producer.appData.participantId,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
  };
}
