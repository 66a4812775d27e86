/**
 * Which remote media a page waits for after its media was torn down (the
 * session's media worker died, or the page's own connection dropped): what
 * it received just before, until each of those streams decodes again on a
 * new consumer. While a participant's media is pending their tile says
 * 重连中 (not 已静音), and the page's banner stays until nothing is pending.
 * DOM-free, so the bookkeeping can be tested in Node.
 */

export interface RemoteMediaKey {
  participantId: string;
  source: string;
  kind: 'audio' | 'video';
}

/** How long a page waits for media that does not come back before it stops saying so. */
export const RECOVERY_GIVE_UP_MS = 10_000;

const keyOf = (m: RemoteMediaKey): string => `${m.participantId}\u0000${m.source}\u0000${m.kind}`;

export class MediaRecovery {
  readonly #pending = new Map<string, RemoteMediaKey>();
  #active = false;

  /** Whether a recovery is under way (from the teardown until everything is back). */
  get active(): boolean {
    return this.#active;
  }

  /**
   * Media is being torn down: wait for what was flowing (`flowing`) and for
   * what an earlier, unfinished recovery still waited for.
   */
  begin(flowing: RemoteMediaKey[]): void {
    this.#active = true;
    for (const m of flowing) this.#pending.set(keyOf(m), m);
  }

  /** A stream decodes again (or will not come back: left, paused, closed). */
  settle(m: RemoteMediaKey): void {
    this.#pending.delete(keyOf(m));
  }

  /** Stops waiting for everything of a participant (they left). */
  forget(participantId: string): void {
    for (const [k, m] of this.#pending)
      if (m.participantId === participantId) this.#pending.delete(k);
  }

  /** Stops waiting for a participant's source (they paused it: it will not decode). */
  forgetSource(participantId: string, source: string): void {
    for (const [k, m] of this.#pending)
      if (m.participantId === participantId && m.source === source) this.#pending.delete(k);
  }

  /** Keeps only the participants still in the session. */
  retain(participantIds: Iterable<string>): void {
    const keep = new Set(participantIds);
    for (const [k, m] of this.#pending) if (!keep.has(m.participantId)) this.#pending.delete(k);
  }

  /** What is still awaited. */
  pending(): RemoteMediaKey[] {
    return [...this.#pending.values()];
  }

  /** Whether this participant's media is still awaited. */
  awaiting(participantId: string): boolean {
    if (!this.#active) return false;
    for (const m of this.#pending.values()) if (m.participantId === participantId) return true;
    return false;
  }

  /** Whether nothing is awaited any more. */
  get complete(): boolean {
    return this.#pending.size === 0;
  }

  /** Ends the recovery (everything back, or given up). */
  finish(): void {
    this.#active = false;
    this.#pending.clear();
  }
}
