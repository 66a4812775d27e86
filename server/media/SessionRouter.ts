/**
 * The router of one live session and its lifecycle: taken on a worker of
 * the pool with the session's codecs, an active speaker observer beside it,
 * and rebuilt on another worker when its own dies. While it is rebuilt,
 * `live()` waits for it; once the session has closed, `live()` refuses.
 * What the worker's death means for participants (every transport,
 * producer and consumer gone) is the session's business: it learns of it
 * through `onLost` before the rebuild starts and through `onRebuilt` after.
 */
import type { ActiveSpeakerObserver, Router } from 'mediasoup/node/lib/types.js';
import { fail } from '../errors.js';
import type { Logger } from '../logger.js';
import { SESSION_MEDIA_CODECS } from './codecs.js';
import type { ProducerAppData } from './Participant.js';
import type { MediaWorker, WorkerPool } from './WorkerPool.js';

export interface RouterAppData extends Record<string, unknown> {
  sessionId: string;
  caseId: string;
}

export interface SessionRouterOptions {
  pool: WorkerPool;
  appData: RouterAppData;
  logger: Logger;
  /** The session has closed: the router is not (re)built and `live()` refuses. */
  isClosed(): boolean;
  /** The loudest audio producer changed: its participant, or null. */
  onDominantSpeaker(participantId: string | null): void;
  /** The worker died: every media object on the router is gone. Called before the rebuild. */
  onLost(): void;
  /** The router is rebuilt on a live worker (clients should reconnect their media). */
  onRebuilt(): void;
}

const RECOVERY_RETRY_MS = 2_000;

export class SessionRouter {
  readonly #options: SessionRouterOptions;
  #router!: Router<RouterAppData>;
  #host!: MediaWorker;
  #speakerObserver!: ActiveSpeakerObserver;
  /** Pending while the router is being rebuilt after a worker death. */
  #recovering: Promise<void> | undefined;

  private constructor(options: SessionRouterOptions) {
    this.#options = options;
  }

  static async create(options: SessionRouterOptions): Promise<SessionRouter> {
    const sessionRouter = new SessionRouter(options);
    await sessionRouter.#attach();
    return sessionRouter;
  }

  /** The current router; closed while a worker death is being recovered from. */
  get router(): Router<RouterAppData> {
    return this.#router;
  }

  /** The worker the router lives on. */
  get host(): MediaWorker {
    return this.#host;
  }

  /** The router is gone (its worker died) and not rebuilt yet. */
  get lost(): boolean {
    return this.#router.closed && !this.#options.isClosed();
  }

  /** The router, once any rebuild is done; refuses once the session has ended. */
  async live(): Promise<Router<RouterAppData>> {
    this.assertOpen();
    if (this.#recovering) await this.#recovering;
    this.assertOpen();
    if (this.#router.closed) throw fail('ROUTER_REBUILDING');
    return this.#router;
  }

  assertOpen(): void {
    if (this.#options.isClosed()) throw fail('SESSION_HAS_ENDED');
  }

  /** Lets an audio producer compete for the active speaker. */
  observeSpeaker(producerId: string): Promise<void> {
    return this.#speakerObserver.addProducer({ producerId });
  }

  /** Closes the router (after the session closed its transports). */
  close(): void {
    this.#router?.close();
  }

  async #attach(): Promise<void> {
    const { router, host } = await this.#options.pool.createRouter<RouterAppData>({
      mediaCodecs: SESSION_MEDIA_CODECS,
      appData: this.#options.appData,
    });
    if (this.#options.isClosed()) {
      router.close();
      return;
    }
    this.#router = router;
    this.#host = host;
    this.#speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    this.#speakerObserver.on('dominantspeaker', ({ producer }) => {
      const owner = (producer.appData as Partial<ProducerAppData>).participantId;
      this.#options.onDominantSpeaker(owner ?? null);
    });
    router.on('workerclose', () => this.#onWorkerLost());
  }

  #onWorkerLost(): void {
    if (this.#options.isClosed() || this.#recovering) return;
    this.#options.logger.warn(
      { workerIndex: this.#host.index },
      'worker of this session died; rebuilding its router',
    );
    this.#options.onLost();
    this.#recovering = this.#recover().finally(() => {
      this.#recovering = undefined;
    });
  }

  async #recover(): Promise<void> {
    while (!this.#options.isClosed()) {
      try {
        await this.#attach();
        this.#options.logger.info(
          { workerIndex: this.#host.index },
          'session router rebuilt; asking clients to reconnect media',
        );
        this.#options.onRebuilt();
        return;
      } catch (error) {
        this.#options.logger.error({ err: error }, 'cannot rebuild session router; retrying');
        await new Promise((r) => setTimeout(r, RECOVERY_RETRY_MS));
      }
    }
  }
}
