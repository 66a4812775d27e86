/**
 * What the nodes of one deployment share besides the database and the object
 * store: Redis (REDIS_URL). Through it
 *
 * - Socket.IO's rooms span the nodes (the Redis adapter): a notice emitted to a
 *   person's room on one node reaches their socket on any node, a node can find
 *   and close a person's sockets on the others (the cap per person), and the
 *   nodes tell each other what changed (`serverSideEmit`);
 * - rate limits count a person's requests on every node together.
 *
 * Without REDIS_URL the same ports work in one process: Socket.IO's in-memory
 * adapter and in-memory limiters. Only this folder imports the Redis clients
 * (lint boundary SHARED_STATE).
 */
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Adapter } from 'socket.io-adapter';
import type { Logger } from '../logger.js';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

/** Makes a rate limiter: shared by every node when Redis is configured. */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiter: LimiterFactory = (options) => new RateLimiterMemory(options);

export interface RedisConfig {
  url: string;
  /** Put before every key and channel, so deployments (and tests) can share one Redis. */
  keyPrefix: string;
}

export interface SharedState {
  /** True when the state is shared with other nodes (Redis); false in one process. */
  readonly shared: boolean;
  /** The Socket.IO adapter for several nodes; undefined keeps Socket.IO's in-memory one. */
  readonly socketAdapter: ((namespace: unknown) => Adapter) | undefined;
  readonly limiter: LimiterFactory;
  close(): Promise<void>;
}

export function singleProcess(): SharedState {
  return {
    shared: false,
    socketAdapter: undefined,
    limiter: memoryLimiter,
    close: async () => {},
  };
}

/** The shared state the configuration names: Redis (loaded only then), else this process. */
export async function openSharedState(
  config: RedisConfig | undefined,
  logger: Logger,
): Promise<SharedState> {
  if (!config) return singleProcess();
  const { openRedis } = await import('./redis.js');
  return openRedis(config, logger);
}
