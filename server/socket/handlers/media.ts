/**
 * Requests of the media plane: WebRTC transports, producers and consumers of
 * a joined participant, handed to the live session's router.
 */
import { whenJoined, type GatewayTools } from '../context.js';

export function mediaHandlers(tools: GatewayTools) {
  return whenJoined(tools, {
    'transport:create': async ({ session, participant }, r) =>
      session.createTransport(participant.id, r.direction),
    'transport:connect': async ({ session, participant }, r) => {
      await session.connectTransport(participant.id, r.transportId, r.dtlsParameters);
      return {};
    },
    'transport:restartIce': async ({ session, participant }, r) => ({
      iceParameters: await session.restartIce(participant.id, r.transportId),
    }),
    'producer:create': async ({ session, participant }, r) => ({
      producerId: await session.produce(participant.id, r),
    }),
    'producer:pause': async ({ session, participant }, r) => {
      await session.pauseProducer(participant.id, r.producerId);
      return {};
    },
    'producer:resume': async ({ session, participant }, r) => {
      await session.resumeProducer(participant.id, r.producerId);
      return {};
    },
    'producer:close': async ({ session, participant }, r) => {
      session.closeProducer(participant.id, r.producerId);
      return {};
    },
    'consumer:create': async ({ session, participant }, r) =>
      session.consume(participant.id, r.transportId, r.producerId),
    'consumer:resume': async ({ session, participant }, r) => {
      await session.resumeConsumer(participant.id, r.consumerId);
      return {};
    },
    'consumer:setPreferredLayers': async ({ session, participant }, r) => {
      await session.setPreferredLayers(
        participant.id,
        r.consumerId,
        r.spatialLayer,
        r.temporalLayer,
      );
      return {};
    },
  });
}
