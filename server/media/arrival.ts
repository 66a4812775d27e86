/**
 * What a participant gets on arrival (joining, or admitted from the waiting
 * room): the session as they may see it — nothing but themselves while they
 * wait; once admitted, the others in their room, their producers, the
 * active speaker, the chat, and for a mediator the waiting room — and, if
 * they asked at join, their receive side made ahead.
 */
import type {
  ConsumerOptions,
  JoinResult,
  ReceiveSetup,
  RecordingState,
  TransportOptions,
} from '../../signaling/index.js';
import { MEDIA_SOURCES, can, publishPermission } from '../../signaling/index.js';
import type { SessionFloor } from '../floor/SessionFloor.js';
import type { Participant } from './Participant.js';
import { producerInfo } from './producers.js';

/** What the session shows a participant. */
export interface SessionView {
  caseId: string;
  sessionId: string;
  /** The recording in progress, shown to admitted participants only. */
  recording(): RecordingState | null;
  floor: SessionFloor<Participant>;
  /** Who speaks, as `participant` may learn it (not across a caucus wall). */
  speakerFor(participant: Participant): string | null;
}

/** How the session makes a receive side, for this participant object (it may close meanwhile). */
export interface ReceiveMakers {
  admitted(): Participant[];
  openReceive(participant: Participant): Promise<TransportOptions>;
  consume(
    participant: Participant,
    transportId: string,
    producerId: string,
  ): Promise<ConsumerOptions>;
}

/**
 * For a participant who asked at join: their receive transport and a paused
 * consumer of every producer there is, made before the join result or the
 * admission goes out, so that their page needs two round trips fewer. What
 * cannot be made here (a producer closing meanwhile) the page asks for itself.
 */
export async function receiveAhead(
  participant: Participant,
  make: ReceiveMakers,
): Promise<ReceiveSetup | undefined> {
  if (!participant.wantsReceive || !can(participant.identity.role, 'media.consume')) return;
  try {
    const transport = await make.openReceive(participant);
    const consumers: ConsumerOptions[] = [];
    for (const other of make.admitted()) {
      if (other === participant) continue;
      for (const producer of other.producers.values()) {
        if (participant.closed) return undefined;
        const made = await make
          .consume(participant, transport.transportId, producer.id)
          .catch((error: unknown) => {
            participant.logger.debug({ err: error, producerId: producer.id }, 'not consumed ahead');
            return undefined;
          });
        if (made) consumers.push(made);
      }
    }
    // Whatever closed while the others were made is left out (its page learns of it anyway).
    return {
      transport,
      consumers: consumers.filter((c) => participant.consumers.get(c.consumerId)?.closed === false),
    };
  } catch (error) {
    // The page makes its receive side itself, as without asking.
    participant.logger.warn({ err: error }, 'receive side not made ahead');
    for (const t of participant.transports.values()) if (t.appData.direction === 'recv') t.close();
    return undefined;
  }
}

/** The session as `participant` may see it (a join result). */
export function snapshotFor(participant: Participant, view: SessionView): JoinResult {
  const base = {
    self: participant.info(),
    caseId: view.caseId,
    sessionId: view.sessionId,
    canPublish: MEDIA_SOURCES.filter((s) => can(participant.identity.role, publishPermission(s))),
    recording: participant.admission === 'admitted' ? view.recording() : null,
    locked: view.floor.locked,
  };
  if (participant.admission !== 'admitted') {
    return {
      ...base,
      participants: [],
      producers: [],
      activeSpeaker: null,
      admission: 'waiting',
      waiting: [],
      caucus: null,
      chat: [],
    };
  }
  const others = view.floor.admitted().filter((p) => p !== participant);
  const mediator = can(participant.identity.role, 'session.moderate');
  return {
    ...base,
    participants: others.map((p) => p.info()),
    producers: others.flatMap((p) => [...p.producers.values()].map((pr) => producerInfo(pr))),
    activeSpeaker: view.speakerFor(participant),
    admission: 'admitted',
    waiting: mediator ? view.floor.waiting().map((p) => p.info()) : [],
    caucus: view.floor.caucus,
    chat: view.floor.chatFor(participant),
  };
}
