/**
 * The live sessions of this node, keyed by session id. Get-or-create is
 * serialised per session so two participants arriving together share one
 * router. A session is bound to the case named by its first token.
 *
 * The floor's memory of a session (admissions, identity checks, removals,
 * lock, chat) outlives its live session while the session may reopen
 * (everyone dropped at once; a worker death keeps the live session and
 * rebuilds its router), and is forgotten once the session ends for good
 * (`end`: ended or cancelled), as soon as its live session is closed.
 */
import type { Config } from '../config.js';
import { fail } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RecordingState } from '../../signaling/index.js';
import { SessionMemories, type SessionMemory } from '../floor/SessionMemory.js';
import type { RtpCapabilities } from 'mediasoup/node/lib/types.js';
import { SESSION_MEDIA_CODECS } from './codecs.js';
import { LiveSession } from './LiveSession.js';

export interface LiveSessionHooks {
  /** Called with every new live session (the floor log attaches here). */
  created?(session: LiveSession): void;
  recordingState?(sessionId: string): RecordingState | null;
  /** Fills the floor memory of a session this node has not held yet (from the case record). */
  restore?(sessionId: string, caseId: string, memory: SessionMemory): Promise<void>;
}
import type { WorkerPool } from './WorkerPool.js';

export class LiveSessionRegistry {
  readonly #sessions = new Map<string, LiveSession>();
  readonly #pending = new Map<string, Promise<LiveSession>>();
  readonly #pool: WorkerPool;
  readonly #media: Config['media'];
  readonly #logger: Logger;
  readonly #memories = new SessionMemories();
  /** Sessions ended for good whose live session is still open: forgotten when it closes. */
  readonly #ending = new Set<string>();
  readonly #hooks: LiveSessionHooks;

  constructor(
    pool: WorkerPool,
    media: Config['media'],
    logger: Logger,
    hooks: LiveSessionHooks = {},
  ) {
    this.#pool = pool;
    this.#media = media;
    this.#logger = logger;
    this.#hooks = hooks;
  }

  readonly #created = new Set<(session: LiveSession) => void>();

  /** Also calls `listener` with every new live session (benchmarks, diagnostics). */
  onCreated(listener: (session: LiveSession) => void): () => void {
    this.#created.add(listener);
    return () => this.#created.delete(listener);
  }

  /** What the session remembers across reopening (admissions, removals, lock, chat). */
  memory(sessionId: string): SessionMemory {
    return this.#memories.of(sessionId);
  }

  /** The session ids whose floor memory this node keeps (tests, diagnostics). */
  remembered(): string[] {
    return this.#memories.sessionIds();
  }

  /**
   * The session ended for good (ended or cancelled): its floor memory goes
   * now, or when its live session closes (its sockets are being withdrawn).
   */
  end(sessionId: string): void {
    const live = this.#sessions.get(sessionId);
    if ((live && !live.closed) || this.#pending.has(sessionId)) {
      this.#ending.add(sessionId);
      return;
    }
    this.#forget(sessionId);
  }

  #forget(sessionId: string): void {
    this.#ending.delete(sessionId);
    this.#memories.forget(sessionId);
  }

  get(sessionId: string): LiveSession | undefined {
    return this.#sessions.get(sessionId);
  }

  all(): LiveSession[] {
    return [...this.#sessions.values()];
  }

  #capabilities: Promise<RtpCapabilities> | undefined;

  /**
   * The routers' RTP capabilities, the same for every session (one codec list,
   * SESSION_MEDIA_CODECS): read once from a router made for the purpose and
   * closed at once, then kept. A page loads its device from them while its
   * socket connects (`GET /api/media/capabilities`).
   */
  routerCapabilities(): Promise<RtpCapabilities> {
    this.#capabilities ??= (async () => {
      const { router } = await this.#pool.createRouter({ mediaCodecs: SESSION_MEDIA_CODECS });
      try {
        return router.rtpCapabilities;
      } finally {
        router.close();
      }
    })();
    const pending = this.#capabilities;
    pending.catch(() => {
      if (this.#capabilities === pending) this.#capabilities = undefined;
    });
    return pending;
  }

  async getOrCreate(sessionId: string, caseId: string): Promise<LiveSession> {
    const existing = this.#sessions.get(sessionId) ?? (await this.#pending.get(sessionId));
    if (existing && !existing.closed) return this.#checkCase(existing, caseId);

    let creating = this.#pending.get(sessionId);
    if (!creating) {
      const fresh = !this.#memories.has(sessionId);
      const memory = this.memory(sessionId);
      const restored =
        fresh && this.#hooks.restore
          ? this.#hooks
              .restore(sessionId, caseId, memory)
              .catch((error: unknown) =>
                this.#logger.error({ err: error, sessionId }, 'session floor not restored'),
              )
          : Promise.resolve();
      creating = restored
        .then(() =>
          LiveSession.create({
            sessionId,
            caseId,
            pool: this.#pool,
            media: this.#media,
            logger: this.#logger,
            memory,
            recordingState: (id) => this.#hooks.recordingState?.(id) ?? null,
          }),
        )
        .then((session) => {
          this.#sessions.set(sessionId, session);
          this.#hooks.created?.(session);
          for (const listener of this.#created) listener(session);
          session.onClose(() => {
            if (this.#sessions.get(sessionId) === session) this.#sessions.delete(sessionId);
            if (this.#ending.has(sessionId)) this.#forget(sessionId);
          });
          return session;
        })
        .finally(() => {
          this.#pending.delete(sessionId);
          // Ended for good while its live session was being created, which then failed.
          if (this.#ending.has(sessionId) && !this.#sessions.has(sessionId))
            this.#forget(sessionId);
        });
      this.#pending.set(sessionId, creating);
    }
    return this.#checkCase(await creating, caseId);
  }

  closeAll(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
    this.#ending.clear();
    this.#memories.clear();
  }

  #checkCase(session: LiveSession, caseId: string): LiveSession {
    if (session.caseId !== caseId) {
      throw fail('SESSION_OF_OTHER_CASE');
    }
    return session;
  }
}
