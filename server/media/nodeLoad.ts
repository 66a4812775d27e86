/**
 * What this node carries, for the load balancer's health checks (`/healthz`)
 * and, with several nodes, for placing new sessions by load: its live
 * sessions and the people in them, each media worker's routers, and how late
 * its event loop runs (a node whose loop lags answers signalling late).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LiveSessionRegistry } from './LiveSessionRegistry.js';
import type { WorkerPool } from './WorkerPool.js';

export interface NodeLoad {
  sessions: number;
  participants: number;
  /** Live workers now; `workersConfigured` when all are up. */
  workers: number;
  workersConfigured: number;
  /** Routers per live worker, by worker index. */
  routers: { worker: number; pid: number; routers: number }[];
  /** The event loop's delay since the previous reading: 99th percentile and maximum, ms. */
  eventLoopDelayMs: { p99: number; max: number };
  rssMiB: number;
}

export class NodeLoadMeter {
  readonly #pool: WorkerPool;
  readonly #sessions: LiveSessionRegistry;
  readonly #configured: number;
  readonly #delay: IntervalHistogram;

  constructor(pool: WorkerPool, sessions: LiveSessionRegistry, workersConfigured: number) {
    this.#pool = pool;
    this.#sessions = sessions;
    this.#configured = workersConfigured;
    this.#delay = monitorEventLoopDelay({ resolution: 20 });
    this.#delay.enable();
  }

  /**
   * How loaded this node is for placing a new session: people and sessions per
   * live worker (lower takes the session); undefined with no live worker.
   */
  placementScore(): number | undefined {
    const workers = this.#pool.workers.length;
    if (workers === 0) return undefined;
    const sessions = this.#sessions.all();
    const people = sessions.reduce((n, s) => n + s.participantCount, 0);
    return (people + sessions.length) / workers;
  }

  /** The load now; the event-loop figures cover the time since the previous call. */
  read(): NodeLoad {
    const sessions = this.#sessions.all();
    const workers = this.#pool.workers;
    const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
    const load: NodeLoad = {
      sessions: sessions.length,
      participants: sessions.reduce((n, s) => n + s.participantCount, 0),
      workers: workers.length,
      workersConfigured: this.#configured,
      routers: workers.map((w) => ({ worker: w.index, pid: w.worker.pid, routers: w.routers })),
      eventLoopDelayMs: {
        p99: this.#delay.count > 0 ? ms(this.#delay.percentile(99)) : 0,
        max: this.#delay.count > 0 ? ms(this.#delay.max) : 0,
      },
      rssMiB: Math.round(process.memoryUsage.rss() / (1024 * 1024)),
    };
    this.#delay.reset();
    return load;
  }

  /**
   * What /healthz reads: the status for everyone, the load for the health token's holder.
   * `shared`: the shared state of several nodes, which may stop answering this node (Redis
   * cut off); none with one node.
   */
  health(
    nodeId: string,
    accepting: () => boolean,
    shared?: { reachable(): boolean },
  ): {
    state: () => { accepting: boolean; workers: number; sharedState: boolean };
    detail: () => NodeLoad & { node: string };
  } {
    return {
      state: () => ({
        accepting: accepting(),
        workers: this.#pool.workers.length,
        sharedState: shared?.reachable() ?? true,
      }),
      detail: () => ({ node: nodeId, ...this.read() }),
    };
  }

  close(): void {
    this.#delay.disable();
  }
}
