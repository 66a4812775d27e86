/**
 * How each admitted participant's connection is doing, for the others and
 * for mediators: packets that stopped (the participant shows as
 * reconnecting until they come back), the place kept while a dropped
 * socket may come back, and the connection quality mediators see
 * (producer scores, at most once a second). Reads the participants it is
 * given; tells the session what to announce through the hooks.
 */
import type { NotificationMap } from '../../signaling/index.js';
import { isWebRtcTransport, type Participant } from './Participant.js';

export interface ConnectionHealthHooks {
  /** The admitted participants now. */
  admitted(): Participant[];
  /** A participant's `reconnecting` changed: tell the others. */
  updated(participant: Participant): void;
  /** To every mediator in the session. */
  toMediators(event: 'quality:update', payload: NotificationMap['quality:update']): void;
}

export class ConnectionHealth {
  readonly #hooks: ConnectionHealthHooks;
  #qualityTimer: NodeJS.Timeout | undefined;
  /** Watches for participants whose packets stopped (see `watch`). */
  #stallTimer: NodeJS.Timeout | undefined;
  /** Places kept for participants whose connection dropped (see `keepPlace`). */
  readonly #graceTimers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(hooks: ConnectionHealthHooks) {
    this.#hooks = hooks;
  }

  /**
   * Once a second, what each publishing participant's transports received:
   * nothing at all for two seconds (no RTP, RTCP or ICE) while a producer is
   * unpaused means their network dropped, and the others see them as
   * reconnecting until packets arrive again. The socket notices much later
   * (its ping timeout), often only after the network is back.
   */
  watch(): void {
    if (this.#stallTimer || this.#closed) return;
    this.#stallTimer = setInterval(() => void this.#checkStalls(), 1_000);
    this.#stallTimer.unref();
  }

  /** A producer's score changed: connection quality to mediators, at most once a second. */
  scoreChanged(): void {
    if (this.#qualityTimer || this.#closed) return;
    this.#qualityTimer = setTimeout(() => {
      this.#qualityTimer = undefined;
      for (const p of this.#hooks.admitted()) {
        const quality = qualityOf(p);
        if (quality) this.#hooks.toMediators('quality:update', quality);
      }
    }, 1_000);
  }

  /** The latest connection quality of everyone, for a mediator who just arrived. */
  reportTo(mediator: Participant): void {
    setTimeout(() => {
      if (mediator.closed) return;
      for (const p of this.#hooks.admitted()) {
        const quality = qualityOf(p);
        if (quality) mediator.channel.notify('quality:update', quality);
      }
    }, 0);
  }

  /** A dropped connection's place is kept for `graceMs`; then `expire` runs, unless closed first. */
  keepPlace(graceMs: number, expire: () => void): void {
    const timer = setTimeout(() => {
      this.#graceTimers.delete(timer);
      if (this.#closed) return;
      expire();
    }, graceMs);
    this.#graceTimers.add(timer);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#qualityTimer);
    clearInterval(this.#stallTimer);
    for (const timer of this.#graceTimers) clearTimeout(timer);
    this.#graceTimers.clear();
  }

  async #checkStalls(): Promise<void> {
    for (const p of this.#hooks.admitted()) {
      const live = [...p.producers.values()].some((pr) => !pr.closed && !pr.paused);
      let received = 0;
      try {
        for (const transport of p.transports.values()) {
          if (!isWebRtcTransport(transport) || transport.closed) continue;
          for (const s of await transport.getStats()) received += s.bytesReceived;
        }
      } catch {
        continue; // A transport closing meanwhile: next tick.
      }
      if (p.closed) continue;
      // A transport that never carried anything is still connecting, not dropped.
      const quiet = live && received > 0 && received === p.bytesReceived;
      p.bytesReceived = received;
      p.quietSeconds = quiet ? p.quietSeconds + 1 : 0;
      const stalled = p.quietSeconds >= 2;
      if (stalled === p.mediaStalled) continue;
      p.mediaStalled = stalled;
      p.logger.info({ stalled }, stalled ? 'no packets from participant' : 'packets again');
      this.#hooks.updated(p);
    }
  }
}

/** A participant's connection quality: their worst producer's score, and each one's. */
function qualityOf(p: Participant): NotificationMap['quality:update'] | undefined {
  if (p.scores.size === 0) return undefined;
  return {
    participantId: p.id,
    score: Math.min(...p.scores.values()),
    producers: Object.fromEntries(p.scores),
  };
}
