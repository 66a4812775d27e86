/**
 * Requests of the mediator's floor: admission from the waiting room, identity
 * checks, moderation, the session lock, caucuses, raised hands and chat. The
 * live session decides who may do what; these handlers only pass requests on.
 * What another node must know if this one dies (admission, identity checks,
 * mutes, removals, the lock, the caucus, the chat) is stored in the case
 * record before the request is answered (SessionFloorLog.restore reads it back).
 */
import { whenJoined, type GatewayTools } from '../context.js';

export function floorHandlers(tools: GatewayTools) {
  const recorded = async (): Promise<void> => {
    await tools.desks.floorRecord?.flushed();
  };
  return whenJoined(tools, {
    'admission:admit': async ({ session, participant }, r) => {
      session.admit(participant.id, r.participantId, r.overrideReason);
      await recorded();
      return {};
    },
    'admission:refuse': async ({ session, participant }, r) => {
      session.refuse(participant.id, r.participantId, r.reason);
      await recorded();
      return {};
    },
    'identity:verify': async ({ session, participant }, r) => {
      session.verifyIdentity(participant.id, r.participantId, r.result, {
        method: r.method,
        ...(r.note ? { note: r.note } : {}),
      });
      await recorded();
      return {};
    },
    'moderation:mute': async ({ session, participant }, r) => {
      await session.mute(participant.id, r.participantId);
      await recorded();
      return {};
    },
    'moderation:muteAll': async ({ session, participant }) => {
      const muted = await session.muteAll(participant.id);
      await recorded();
      return { muted };
    },
    'moderation:allowUnmute': async ({ session, participant }, r) => {
      session.allowUnmute(participant.id, r.participantId);
      await recorded();
      return {};
    },
    'moderation:remove': async ({ session, participant }, r) => {
      session.remove(participant.id, r.participantId, r.reason);
      await recorded();
      return {};
    },
    'session:lock': async ({ session, participant }, r) => {
      session.lock(participant.id, r.locked);
      await recorded();
      return { locked: session.locked };
    },
    'caucus:start': async ({ session, participant }, r) => {
      const caucus = await session.startCaucus(participant.id, r.participantIds, r.record);
      await recorded();
      return { caucus };
    },
    'caucus:end': async ({ session, participant }) => {
      await session.endCaucus(participant.id);
      await recorded();
      return {};
    },
    'hand:raise': async ({ session, participant }, r) => {
      session.raiseHand(participant.id, r.raised);
      return {};
    },
    'chat:send': async ({ session, participant }, r) => {
      const message = session.chat(participant.id, r.text);
      await recorded();
      return { message };
    },
  });
}
