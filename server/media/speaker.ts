/**
 * Who speaks in the session: the loudest audio producer's participant, as
 * the router's active speaker observer finds it, told to each admitted
 * participant only within their room — nobody outside a caucus learns who
 * speaks inside it.
 */
import type { Participant } from './Participant.js';

export interface ActiveSpeakerHooks {
  /** The admitted participants now. */
  admitted(): Participant[];
  /** Whether media may flow to `toId` from `fromId` (the floor's rooms). */
  mayFlow(toId: string, fromId: string): boolean;
}

export class ActiveSpeaker {
  readonly #hooks: ActiveSpeakerHooks;
  #current: string | null = null;

  constructor(hooks: ActiveSpeakerHooks) {
    this.#hooks = hooks;
  }

  /** The speaker `p` may learn of, or null. */
  for(p: Participant): string | null {
    const speaker = this.#current;
    return speaker !== null && this.#hooks.mayFlow(p.id, speaker) ? speaker : null;
  }

  /** A new active speaker (or none): told to everyone if it changed. */
  set(participantId: string | null): void {
    if (this.#current === participantId) return;
    this.#current = participantId;
    this.announce();
  }

  /** The participant left: if they were speaking, nobody is. */
  left(participantId: string): void {
    if (this.#current === participantId) this.set(null);
  }

  /** Tells every admitted participant who speaks in their room (also when the rooms change). */
  announce(): void {
    for (const p of this.#hooks.admitted()) {
      p.channel.notify('speaker:active', { participantId: this.for(p) });
    }
  }
}
