/**
 * What a participant receives: a consumer of someone else's producer on
 * the participant's receive transport, made for the participant object the
 * caller holds (it may close meanwhile: a consumer made for a closed
 * participant is closed again at once); the layer a camera starts on and
 * the layers the receiver prefers; and whether each consumer flows, which
 * the floor decides (`mayFlow`) and the client asks for (`wanted`). A video
 * consumer that starts flowing asks its producer for a key frame.
 */
import type { Router } from 'mediasoup/node/lib/types.js';
import type { ConsumerOptions } from '../../signaling/index.js';
import { can } from '../../signaling/index.js';
import { fail, NotFoundError, withClientParameters } from '../errors.js';
import type {
  ConsumerAppData,
  Participant,
  ParticipantConsumer,
  SessionProducer,
} from './Participant.js';
import { ownTransport } from './transports.js';

/** Whether media may flow from `producerParticipantId` to `participantId` (the floor's rooms). */
export type MayFlow = (participantId: string, producerParticipantId: string) => boolean;

/**
 * A paused consumer of `producerId` for `participant`. The checks, in this
 * order, say why a consumer cannot be made: not joined, a role that may not
 * receive, no such producer, one's own media, consumed already, no common
 * codec, no such receive transport.
 */
export async function consume(
  router: Router,
  participant: Participant,
  transportId: string,
  producerId: string,
  findProducer: (producerId: string) => SessionProducer | undefined,
): Promise<ConsumerOptions> {
  const participantId = participant.id;
  if (participant.closed) throw fail('NOT_JOINED');
  if (!can(participant.identity.role, 'media.consume')) {
    throw fail('ROLE_MAY_NOT_RECEIVE', { role: participant.identity.role });
  }
  const producer = findProducer(producerId);
  if (!producer) throw new NotFoundError('Producer');
  if (producer.appData.participantId === participantId) {
    throw fail('OWN_MEDIA');
  }
  for (const c of participant.consumers.values()) {
    if (c.producerId === producerId) throw fail('ALREADY_CONSUMING');
  }
  if (!router.canConsume({ producerId, rtpCapabilities: participant.rtpCapabilities })) {
    throw fail('NO_COMMON_CODEC');
  }
  const transport = ownTransport(participant, transportId, 'recv');
  const appData: ConsumerAppData = {
    participantId,
    producerParticipantId: producer.appData.participantId,
    source: producer.appData.source,
  };
  // Created paused: the client resumes once its consumer is ready, so no
  // early key frame is lost. A camera starts on its lowest layer: its key
  // frame is a tenth of the top layer's, so the picture appears sooner; the
  // receiver asks for its tile's layer as soon as the tile has a size.
  const consumer = await withClientParameters('consumer:create', () =>
    transport.consume({
      producerId,
      rtpCapabilities: participant.rtpCapabilities,
      paused: true,
      ...(producer.type === 'simulcast' && producer.appData.source === 'camera'
        ? { preferredLayers: { spatialLayer: 0 } }
        : {}),
      appData,
    }),
  );
  if (participant.closed) {
    consumer.close();
    throw fail('NOT_JOINED');
  }
  participant.consumers.set(consumer.id, consumer);
  consumer.observer.once('close', () => participant.consumers.delete(consumer.id));
  consumer.on('producerclose', () => {
    participant.consumers.delete(consumer.id);
    participant.channel.notify('consumer:closed', { consumerId: consumer.id, producerId });
  });
  return {
    consumerId: consumer.id,
    producerId,
    participantId: producer.appData.participantId,
    kind: consumer.kind,
    source: producer.appData.source,
    rtpParameters: consumer.rtpParameters,
    producerPaused: consumer.producerPaused,
  };
}

/** One of the participant's own consumers. */
export function ownConsumer(participant: Participant, consumerId: string): ParticipantConsumer {
  const consumer = participant.consumers.get(consumerId);
  if (!consumer) throw new NotFoundError('Consumer');
  return consumer;
}

/** The client wants the consumer to flow; during a caucus, media across the wall stays held. */
export async function wantFlow(consumer: ParticipantConsumer, mayFlow: MayFlow): Promise<void> {
  consumer.appData.wanted = true;
  if (!mayFlow(consumer.appData.participantId, consumer.appData.producerParticipantId)) return;
  await resumeWithKeyFrame(consumer);
}

/** The simulcast or SVC layers the receiver prefers (its tile's size). */
export async function preferLayers(
  consumer: ParticipantConsumer,
  spatialLayer: number,
  temporalLayer: number | undefined,
): Promise<void> {
  if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
    throw fail('SINGLE_LAYER');
  }
  await consumer.setPreferredLayers({
    spatialLayer,
    ...(temporalLayer !== undefined ? { temporalLayer } : {}),
  });
}

/** Pauses or resumes every consumer as the rooms now require (held: paused on the server). */
export async function applyRouting(admitted: Participant[], mayFlow: MayFlow): Promise<void> {
  const changes: Promise<unknown>[] = [];
  for (const p of admitted) {
    for (const c of p.consumers.values()) {
      const allowed = mayFlow(p.id, c.appData.producerParticipantId);
      if (!allowed && !c.paused) changes.push(c.pause());
      if (allowed && c.paused && c.appData.wanted === true) changes.push(resumeWithKeyFrame(c));
    }
  }
  await Promise.all(changes.map((c) => c.catch(() => undefined)));
}

/** Resumes a consumer; a video one asks for a key frame so that its picture appears at once. */
async function resumeWithKeyFrame(consumer: ParticipantConsumer): Promise<void> {
  await consumer.resume();
  if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
}
