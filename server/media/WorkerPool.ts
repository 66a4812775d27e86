/**
 * One mediasoup worker per CPU core. Sessions take a router on the
 * least-loaded worker. A worker that dies is replaced; the routers it carried
 * close with `workerclose`, and their sessions rebuild on a live worker.
 */
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { Router, RouterOptions, WebRtcServer, Worker } from 'mediasoup/node/lib/types.js';
import type { Config } from '../config.js';
import { MediaUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface MediaWorker {
  readonly index: number;
  readonly worker: Worker;
  readonly webRtcServer: WebRtcServer | undefined;
  /** Routers currently on this worker: the load measure for placement. */
  routers: number;
}

interface WorkerPoolEvents {
  /** A worker died; its routers are closed already (they emitted `workerclose`). */
  workerDied: [index: number, pid: number];
  workerReady: [worker: MediaWorker];
}

const MAX_RESPAWN_DELAY_MS = 30_000;

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #slots: (MediaWorker | undefined)[];
  readonly #config: Config['media'];
  readonly #logger: Logger;
  #closed = false;

  private constructor(config: Config['media'], logger: Logger) {
    super();
    this.#config = config;
    this.#logger = logger;
    this.#slots = new Array<MediaWorker | undefined>(config.numWorkers).fill(undefined);
  }

  static async create(config: Config['media'], logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, logger.child({ component: 'worker-pool' }));
    try {
      await Promise.all(pool.#slots.map((_, index) => pool.#start(index)));
    } catch (error) {
      pool.close();
      throw new MediaUnavailableError(
        `Cannot start the mediasoup worker (${config.workerBin}): ${(error as Error).message}. ` +
          'Rebuild it with `scripts/mediasoup-worker.sh ensure`.',
        error,
      );
    }
    return pool;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live workers, for tests and statistics. */
  get workers(): MediaWorker[] {
    return this.#slots.filter((w): w is MediaWorker => w !== undefined);
  }

  /**
   * Creates a router on the least-loaded live worker. Waits (bounded) for a
   * replacement if every worker is down at this moment.
   */
  async createRouter<AppData extends Record<string, unknown>>(
    options: RouterOptions<AppData>,
    waitMs = 10_000,
  ): Promise<{ router: Router<AppData>; host: MediaWorker }> {
    const host = this.#leastLoaded() ?? (await this.#nextReady(waitMs));
    const router = await host.worker.createRouter(options);
    host.routers += 1;
    router.observer.once('close', () => {
      host.routers -= 1;
    });
    return { router, host };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) {
      // Closing the worker closes its WebRtcServer; sessions have closed their
      // transports before (see MediationServer.close) because mediasoup 3.12.16
      // aborts when a WebRtcServer closes under live transports.
      slot?.worker.close();
    }
    this.#slots.fill(undefined);
    this.removeAllListeners();
  }

  #leastLoaded(): MediaWorker | undefined {
    let best: MediaWorker | undefined;
    for (const w of this.#slots) {
      if (w && !w.worker.closed && (!best || w.routers < best.routers)) best = w;
    }
    return best;
  }

  #nextReady(waitMs: number): Promise<MediaWorker> {
    if (this.#closed)
      return Promise.reject(new MediaUnavailableError('The media service is shutting down'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('workerReady', onReady);
        reject(new MediaUnavailableError('No media worker is available'));
      }, waitMs);
      const onReady = (w: MediaWorker): void => {
        clearTimeout(timer);
        resolve(w);
      };
      this.once('workerReady', onReady);
    });
  }

  async #start(index: number): Promise<void> {
    const c = this.#config;
    const worker = await mediasoup.createWorker({
      logLevel: c.logLevel,
      rtcMinPort: c.rtcMinPort,
      rtcMaxPort: c.rtcMaxPort,
    });
    if (this.#closed) {
      worker.close();
      return;
    }
    let webRtcServer: WebRtcServer | undefined;
    if (c.webRtcServer) {
      const port = c.webRtcServer.basePort + index;
      const listenInfos = [];
      if (c.enableUdp)
        listenInfos.push({
          protocol: 'udp' as const,
          ip: c.listenIp,
          announcedIp: c.announcedIp,
          port,
        });
      if (c.enableTcp)
        listenInfos.push({
          protocol: 'tcp' as const,
          ip: c.listenIp,
          announcedIp: c.announcedIp,
          port,
        });
      try {
        webRtcServer = await worker.createWebRtcServer({ listenInfos });
      } catch (error) {
        worker.close();
        throw error;
      }
    }
    const entry: MediaWorker = { index, worker, webRtcServer, routers: 0 };
    this.#slots[index] = entry;
    this.#logger.info({ workerIndex: index, pid: worker.pid }, 'mediasoup worker started');
    worker.on('died', (error) => this.#onDied(entry, error));
    this.emit('workerReady', entry);
  }

  #onDied(entry: MediaWorker, error: Error): void {
    if (this.#slots[entry.index] === entry) this.#slots[entry.index] = undefined;
    if (this.#closed) return;
    this.#logger.error(
      { workerIndex: entry.index, pid: entry.worker.pid, err: error },
      'mediasoup worker died; replacing it',
    );
    this.emit('workerDied', entry.index, entry.worker.pid);
    void this.#respawn(entry.index, 0);
  }

  async #respawn(index: number, attempt: number): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#start(index);
    } catch (error) {
      const delay = Math.min(MAX_RESPAWN_DELAY_MS, 500 * 2 ** attempt);
      this.#logger.error(
        { workerIndex: index, err: error, retryInMs: delay },
        'cannot restart mediasoup worker',
      );
      setTimeout(() => void this.#respawn(index, attempt + 1), delay).unref();
    }
  }
}
