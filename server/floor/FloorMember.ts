/**
 * Who the floor deals with: a person in a live session as the mediator sees
 * them (identity, admission, identity check, raised hand, mute) and the
 * channel that reaches their client. The media side's Participant is one;
 * the floor needs nothing of its transports, producers or consumers.
 */
import type {
  AdmissionState,
  IdentityState,
  NotificationMap,
  NotificationName,
  ParticipantInfo,
  ProceduralSide,
  SessionRole,
} from '../../signaling/index.js';
import type { Logger } from '../logger.js';

export interface ParticipantIdentity {
  participantId: string;
  displayName: string;
  role: SessionRole;
  /** A party's (or an agent's party's) side, when the credential names it. */
  side?: ProceduralSide | undefined;
}

/** How the session reaches the participant's client; given by the socket layer. */
export interface ParticipantChannel {
  notify<E extends NotificationName>(event: E, payload: NotificationMap[E]): void;
  /** Ends the connection (e.g. the same person joined again elsewhere). */
  disconnect(): void;
}

/** A participant as the floor holds them; the floor writes the four floor fields. */
export interface FloorMember {
  readonly id: string;
  readonly identity: ParticipantIdentity;
  readonly channel: ParticipantChannel;
  readonly logger: Logger;
  readonly closed: boolean;
  admission: AdmissionState;
  identityCheck: IdentityState;
  handRaised: boolean;
  mutedByMediator: boolean;
  /** How the others see this participant (the floor fields included). */
  info(): ParticipantInfo;
}
