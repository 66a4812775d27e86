/**
 * What happens in a live session, for server-side observers (the recorder,
 * the floor log): the listener interface and the set of listeners a session
 * tells. A listener that throws is logged and does not stop the others.
 */
import type { FloorEvent, PrivatePhase } from '../floor/SessionFloor.js';
import type { Logger } from '../logger.js';
import type { Participant, SessionProducer } from './Participant.js';

/** Why a participant is no longer in the session. */
export type LeaveReason = 'left' | 'disconnected' | 'replaced' | 'session-closed';

/**
 * What happens in the session, for server-side observers (the recorder).
 * Called synchronously; a listener must not throw.
 */
export interface LiveSessionListener {
  participantJoined?(participant: Participant): void;
  participantLeft?(participant: Participant, reason: LeaveReason): void;
  producerAdded?(participant: Participant, producer: SessionProducer): void;
  producerPaused?(participant: Participant, producer: SessionProducer, paused: boolean): void;
  producerClosed?(participant: Participant, producer: SessionProducer): void;
  /** Every transport, producer and consumer is gone (worker death). */
  mediaReset?(): void;
  /** A private phase (caucus) began or ended; `recorded` says whether the mediator records it. */
  privatePhase?(phase: PrivatePhase): void;
  /** The mediator did something the case record keeps (admission, identity check, removal…). */
  floor?(event: FloorEvent): void;
  closed?(): void;
}

/** The listeners of one session. */
export class SessionListeners {
  readonly #listeners = new Set<LiveSessionListener>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Observes until `clear()`; returns the function that stops observing. */
  add(listener: LiveSessionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<K extends keyof LiveSessionListener>(
    event: K,
    ...args: Parameters<NonNullable<LiveSessionListener[K]>>
  ): void {
    for (const listener of [...this.#listeners]) {
      const fn = listener[event] as ((...a: typeof args) => void) | undefined;
      try {
        fn?.apply(listener, args);
      } catch (error) {
        this.#logger.error({ err: error, event }, 'session listener failed');
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
