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
  /** This node's name, unique among the live nodes (NODE_ID). */
  nodeId: string;
  /** Put before every key and channel, so deployments (and tests) can share one Redis. */
  keyPrefix: string;
  /**
   * Where pages reach this node itself, past the balancer (NODE_DIRECT_URL); undefined: pages
   * whose session is held here and that reached another node are relayed.
   */
  directUrl?: string | undefined;
  /** The direct link between nodes (server/cluster/link.ts); undefined: requests go through Redis. */
  link?: { host: string; secret: string } | undefined;
}

export interface SharedState {
  /** True when the state is shared with other nodes (Redis); false in one process. */
  readonly shared: boolean;
  /** The Socket.IO adapter for several nodes; undefined keeps Socket.IO's in-memory one. */
  readonly socketAdapter: ((namespace: unknown) => Adapter) | undefined;
  readonly limiter: LimiterFactory;
  /** Placement of sessions and requests between nodes; undefined in one process. */
  readonly cluster: ClusterParts | undefined;
  close(): Promise<void>;
}

export function singleProcess(): SharedState {
  return {
    shared: false,
    socketAdapter: undefined,
    limiter: memoryLimiter,
    cluster: undefined,
    close: async () => {},
  };
}

/** The shared state the configuration names: Redis (loaded only then), else this process. */
export async function openSharedState(
  config: RedisConfig | undefined,
  logger: Logger,
  load: () => number | undefined,
): Promise<SharedState> {
  if (!config) return singleProcess();
  const { openRedis } = await import('./redis.js');
  return openRedis(config, logger, load);
}

/**
 * Which node holds each live session, with a lease (several nodes). A session's
 * router, transports and media live on its owner; the other nodes relay its
 * signalling there (docs/cluster.md).
 */
export interface SessionPlacement {
  readonly nodeId: string;
  /**
   * The owner of the session now. When nobody holds it, the live node with the
   * most headroom (by the load every node publishes) is made its owner, maybe
   * this one; that node keeps the lease once it takes the session (`hold`). When
   * the owner is this node (placed here by another), this node holds it from now on.
   */
  ownerOf(sessionId: string): Promise<string>;
  /** The node holding the session's lease now, without taking it; null when none does. */
  currentOwner(sessionId: string): Promise<string | null>;
  /**
   * Where pages reach `node` itself (its NODE_DIRECT_URL, published with its load); null when
   * it has none or has not reported within the lease.
   */
  directUrlOf(node: string): Promise<string | null>;
  /** Whether `node` is live (its own lease renewed within the last 3 s). */
  isAlive(node: string): Promise<boolean>;
  /** This node holds the session: its lease is renewed every second until `release`. */
  hold(sessionId: string): void;
  /** This node no longer holds the session (it closed here). */
  release(sessionId: string): Promise<void>;
  /**
   * Told when this node lost the lease of a session it holds (another node has it now, or
   * Redis did not answer for so long that another node could take it).
   */
  onLost(listener: (sessionId: string) => void): void;
  /** Whether Redis answered this node within the lease (else it can neither hold nor relay). */
  reachable(): boolean;
}

/** A request to another node, answered within its time or refused. */
export interface NodeBus {
  request(node: string, body: unknown, timeoutMs: number): Promise<unknown>;
  /** Without an answer (a notice). */
  send(node: string, body: unknown): Promise<void>;
  /** Answers the requests and notices sent to this node. */
  serve(handler: (body: unknown, from: string) => Promise<unknown>): void;
}

/** The node asked is not listening (gone), or did not answer in time. */
export class NodeUnreachableError extends Error {
  constructor(
    readonly node: string,
    why: 'gone' | 'timeout',
  ) {
    super(why === 'gone' ? `node ${node} is not listening` : `node ${node} did not answer in time`);
    this.name = 'NodeUnreachableError';
  }
}

/** The parts of a deployment of several nodes (present only with Redis). */
export interface ClusterParts {
  placement: SessionPlacement;
  bus: NodeBus;
}
