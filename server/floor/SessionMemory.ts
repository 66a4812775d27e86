/**
 * What the floor of a session remembers beyond one live session of that id:
 * while it empties and reopens (everyone dropped at once), and across a
 * worker death (which rebuilds the router inside the same live session).
 * On another node (the owner died) it is read back from the case record:
 * see SessionFloorLog.restore.
 * Kept per session id until the session ends for good (ended or cancelled),
 * then forgotten: see SessionMemories.
 */
import type { CaucusState, ChatMessage, IdentityState } from '../../signaling/index.js';

export class SessionMemory {
  readonly admitted = new Set<string>();
  readonly identity = new Map<string, IdentityState>();
  readonly removed = new Set<string>();
  /** Muted by the mediator until allowed to unmute: a reconnect does not lift it. */
  readonly muted = new Set<string>();
  locked = false;
  /** The caucus in progress: it goes on when the session reopens (here or on another node). */
  caucus: CaucusState | null = null;
  readonly chat: ChatMessage[] = [];
}

/**
 * The memories of this node's sessions, by session id. An entry is made on
 * first use and goes with `forget`, which the owner calls once the session
 * has ended for good and its live session is closed.
 */
export class SessionMemories {
  readonly #entries = new Map<string, SessionMemory>();

  /** The memory of `sessionId`, made empty on first use. */
  of(sessionId: string): SessionMemory {
    let memory = this.#entries.get(sessionId);
    if (!memory) {
      memory = new SessionMemory();
      this.#entries.set(sessionId, memory);
    }
    return memory;
  }

  has(sessionId: string): boolean {
    return this.#entries.has(sessionId);
  }

  forget(sessionId: string): void {
    this.#entries.delete(sessionId);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** The session ids remembered (tests, diagnostics). */
  sessionIds(): string[] {
    return [...this.#entries.keys()];
  }
}
