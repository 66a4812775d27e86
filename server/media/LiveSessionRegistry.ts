/**
 * The live sessions of this node, keyed by session id. Get-or-create is
 * serialised per session so two participants arriving together share one
 * router. A session is bound to the case named by its first token.
 */
import type { Config } from '../config.js';
import { ForbiddenError } from '../errors.js';
import type { Logger } from '../logger.js';
import { LiveSession } from './LiveSession.js';
import type { WorkerPool } from './WorkerPool.js';

export class LiveSessionRegistry {
  readonly #sessions = new Map<string, LiveSession>();
  readonly #pending = new Map<string, Promise<LiveSession>>();
  readonly #pool: WorkerPool;
  readonly #media: Config['media'];
  readonly #logger: Logger;

  constructor(pool: WorkerPool, media: Config['media'], logger: Logger) {
    this.#pool = pool;
    this.#media = media;
    this.#logger = logger;
  }

  get(sessionId: string): LiveSession | undefined {
    return this.#sessions.get(sessionId);
  }

  all(): LiveSession[] {
    return [...this.#sessions.values()];
  }

  async getOrCreate(sessionId: string, caseId: string): Promise<LiveSession> {
    const existing = this.#sessions.get(sessionId) ?? (await this.#pending.get(sessionId));
    if (existing && !existing.closed) return this.#checkCase(existing, caseId);

    let creating = this.#pending.get(sessionId);
    if (!creating) {
      creating = LiveSession.create({
        sessionId,
        caseId,
        pool: this.#pool,
        media: this.#media,
        logger: this.#logger,
      })
        .then((session) => {
          this.#sessions.set(sessionId, session);
          session.onClose(() => {
            if (this.#sessions.get(sessionId) === session) this.#sessions.delete(sessionId);
          });
          return session;
        })
        .finally(() => this.#pending.delete(sessionId));
      this.#pending.set(sessionId, creating);
    }
    return this.#checkCase(await creating, caseId);
  }

  closeAll(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
  }

  #checkCase(session: LiveSession, caseId: string): LiveSession {
    if (session.caseId !== caseId) {
      throw new ForbiddenError('This session belongs to another case');
    }
    return session;
  }
}
