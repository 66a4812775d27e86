/**
 * Session placement and node-to-node requests in Redis (see state.ts for the
 * ports and docs/cluster.md for the design).
 *
 * - `session:<id>:owner` holds the owning node's id with a 3 s lease, renewed
 *   every second by that node. Taking an unowned session is one atomic script,
 *   so two nodes asked at the same moment agree on one owner.
 * - `nodes` (a hash) holds each live node's load, rewritten every second; a
 *   session nobody holds goes to the live node with the least load.
 * - `node:<id>:direct` (a lease, renewed with the load) holds the address pages
 *   reach the node itself at (NODE_DIRECT_URL), when it has one.
 * - `node:<id>:alive` (a lease too) keeps NODE_ID unique among live nodes.
 * - Each node listens on its channel `node:<id>:bus` for requests, and answers
 *   on the asker's channel.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { NodeUnreachableError, type NodeBus, type SessionPlacement } from './state.js';

/** How long a lease holds without renewal. */
export const LEASE_MS = 3_000;
/** How often the holder renews its leases and publishes its load. */
export const RENEW_MS = 1_000;
/**
 * How long one renewal may take. Redis unreachable without an error (a cut link drops
 * packets; the connection hangs) is a renewal that never answers: it fails after this.
 */
export const RENEW_TIMEOUT_MS = 500;

/** Takes the key for ARGV[1] when nobody holds it; answers the holder. */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;
/**
 * Renews the key when ARGV[1] holds it: 1; lapsed or held by another: 0. A lapsed lease is
 * never taken back: its holder may have closed the session already (a renewal that waited
 * in a cut connection arrives late), and a client's next join places the session again.
 */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
/** Deletes the key when ARGV[1] holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class NodeIdInUseError extends Error {
  constructor(nodeId: string) {
    super(`NODE_ID ${nodeId} is already used by a live node: give every node its own NODE_ID`);
    this.name = 'NodeIdInUseError';
  }
}

interface NodeLoadEntry {
  score: number;
  at: number;
}

/** A node's published entry, or undefined when it is malformed or older than the lease. */
function entryOf(raw: string | null | undefined, now: number): NodeLoadEntry | undefined {
  if (!raw) return undefined;
  let entry: NodeLoadEntry;
  try {
    entry = JSON.parse(raw) as NodeLoadEntry;
  } catch {
    return undefined;
  }
  if (typeof entry.score !== 'number' || typeof entry.at !== 'number') return undefined;
  return now - entry.at > LEASE_MS ? undefined : entry;
}

export class RedisPlacement implements SessionPlacement {
  readonly nodeId: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #load: () => number | undefined;
  readonly #directUrl: string | undefined;
  readonly #held = new Set<string>();
  readonly #lost = new Set<(sessionId: string) => void>();
  #timer: NodeJS.Timeout | undefined;
  /** When the last renewal that Redis answered was sent: no lease lapses before this + LEASE_MS. */
  #renewedAt = Date.now();

  private constructor(
    redis: Redis,
    prefix: string,
    nodeId: string,
    load: () => number | undefined,
    logger: Logger,
    directUrl: string | undefined,
  ) {
    this.#directUrl = directUrl;
    this.#redis = redis;
    this.#prefix = prefix;
    this.nodeId = nodeId;
    this.#load = load;
    this.#logger = logger;
  }

  /** Registers this node (refusing a NODE_ID a live node already has) and starts renewing. */
  static async start(
    redis: Redis,
    prefix: string,
    nodeId: string,
    load: () => number | undefined,
    logger: Logger,
    directUrl?: string,
  ): Promise<RedisPlacement> {
    const placement = new RedisPlacement(redis, prefix, nodeId, load, logger, directUrl);
    const taken = await redis.set(placement.#aliveKey, nodeId, 'PX', LEASE_MS, 'NX');
    if (taken !== 'OK') throw new NodeIdInUseError(nodeId);
    await placement.#publishLoad();
    placement.#timer = setInterval(() => void placement.#renew(), RENEW_MS);
    placement.#timer.unref();
    return placement;
  }

  #directKey(node: string): string {
    return `${this.#prefix}node:${node}:direct`;
  }

  get #aliveKey(): string {
    return `${this.#prefix}node:${this.nodeId}:alive`;
  }

  #ownerKey(sessionId: string): string {
    return `${this.#prefix}session:${sessionId}:owner`;
  }

  currentOwner(sessionId: string): Promise<string | null> {
    return this.#redis.get(this.#ownerKey(sessionId));
  }

  async directUrlOf(node: string): Promise<string | null> {
    if (node === this.nodeId) return this.#directUrl ?? null;
    return this.#redis.get(this.#directKey(node));
  }

  async isAlive(node: string): Promise<boolean> {
    return (await this.#redis.exists(`${this.#prefix}node:${node}:alive`)) === 1;
  }

  async ownerOf(sessionId: string): Promise<string> {
    const key = this.#ownerKey(sessionId);
    const current = await this.#redis.get(key);
    if (current) {
      // Placed here by another node (a page it sent here, or a relayed request to come):
      // this node keeps the lease from now on, else it would lapse under a live session.
      if (current === this.nodeId) this.hold(sessionId);
      return current;
    }
    const candidate = await this.#leastLoaded();
    const owner = await this.#redis.eval(CLAIM, 1, key, candidate, String(LEASE_MS));
    if (typeof owner !== 'string') throw new Error('unexpected answer from the claim script');
    if (owner === this.nodeId) this.hold(sessionId);
    return owner;
  }

  /** The live node with the least load (this one on a tie or when none has reported). */
  async #leastLoaded(): Promise<string> {
    const entries = await this.#redis.hgetall(`${this.#prefix}nodes`);
    const now = Date.now();
    // This node by its load now (its published entry may be a second old, or not yet made).
    const own = this.#load();
    let best = this.nodeId;
    let bestScore = own ?? Number.POSITIVE_INFINITY;
    for (const [node, raw] of Object.entries(entries)) {
      if (node === this.nodeId) continue;
      const entry = entryOf(raw, now);
      if (entry && entry.score < bestScore) {
        best = node;
        bestScore = entry.score;
      }
    }
    return best;
  }

  hold(sessionId: string): void {
    if (this.#held.has(sessionId)) return;
    this.#held.add(sessionId);
    void this.#renewOne(sessionId);
  }

  async release(sessionId: string): Promise<void> {
    this.#held.delete(sessionId);
    try {
      await this.#redis.eval(RELEASE, 1, this.#ownerKey(sessionId), this.nodeId);
    } catch (error) {
      // The lease lapses on its own within LEASE_MS.
      this.#logger.warn({ err: error, sessionId }, 'session lease not released');
    }
  }

  onLost(listener: (sessionId: string) => void): void {
    this.#lost.add(listener);
  }

  /** The sessions this node holds (tests, diagnostics). */
  held(): string[] {
    return [...this.#held];
  }

  async #renewOne(sessionId: string): Promise<boolean> {
    const kept = await this.#redis.eval(
      RENEW,
      1,
      this.#ownerKey(sessionId),
      this.nodeId,
      String(LEASE_MS),
    );
    if (kept === 1) return true;
    this.#lose(sessionId);
    return false;
  }

  #lose(sessionId: string): void {
    if (!this.#held.delete(sessionId)) return;
    this.#logger.error({ sessionId }, 'session lease lost: the session closes here');
    for (const listener of this.#lost) listener(sessionId);
  }

  async #publishLoad(): Promise<void> {
    const score = this.#load();
    const multi = this.#redis.multi().pexpire(this.#aliveKey, LEASE_MS);
    // Where pages reach this node, for as long as it lives (a lease like its own).
    if (this.#directUrl) multi.set(this.#directKey(this.nodeId), this.#directUrl, 'PX', LEASE_MS);
    if (score !== undefined) {
      multi.hset(
        `${this.#prefix}nodes`,
        this.nodeId,
        JSON.stringify({ score, at: Date.now() } satisfies NodeLoadEntry),
      );
    } else {
      // No live media worker: take no new sessions.
      multi.hdel(`${this.#prefix}nodes`, this.nodeId);
    }
    await multi.exec();
  }

  /**
   * Every second: publishes the load and renews the leases, within RENEW_TIMEOUT_MS. When
   * the last answered renewal is so old that the next could come after a lease lapsed,
   * every session is given up here first, so that a node cut off from Redis stops before
   * another can take its sessions: never two owners (cluster-partition.test.ts).
   */
  async #renew(): Promise<void> {
    const sentAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([this.#publishLoad(), ...[...this.#held].map((id) => this.#renewOne(id))]),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer from Redis in ${RENEW_TIMEOUT_MS} ms`)),
            RENEW_TIMEOUT_MS,
          );
        }),
      ]);
      this.#renewedAt = sentAt;
    } catch (error) {
      this.#logger.warn({ err: error }, 'session leases not renewed');
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() - this.#renewedAt > LEASE_MS - RENEW_MS && this.#held.size > 0) {
      this.#logger.error(
        { sessions: this.#held.size, sinceMs: Date.now() - this.#renewedAt },
        'Redis unreachable: giving up this node’s sessions before their leases lapse',
      );
      for (const id of [...this.#held]) this.#lose(id);
    }
  }

  /** Whether Redis answered within the lease: a node that cannot reach it cannot serve. */
  reachable(): boolean {
    return Date.now() - this.#renewedAt <= LEASE_MS;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    const held = [...this.#held];
    await Promise.all(held.map((id) => this.release(id)));
    try {
      await this.#redis
        .multi()
        .del(this.#aliveKey)
        .del(this.#directKey(this.nodeId))
        .hdel(`${this.#prefix}nodes`, this.nodeId)
        .exec();
    } catch {
      // Both lapse or age out on their own.
    }
  }
}

type BusMessage =
  | { t: 'q'; id: string; from: string; reply: boolean; body: unknown }
  | { t: 'a'; id: string; ok: true; value: unknown }
  | { t: 'a'; id: string; ok: false; error: string };

/** Requests between nodes over Redis pub/sub: one channel per node. */
export class RedisBus implements NodeBus {
  readonly #pub: Redis;
  readonly #prefix: string;
  readonly #nodeId: string;
  readonly #logger: Logger;
  readonly #pending = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  #handler: ((body: unknown, from: string) => Promise<unknown>) | undefined;

  private constructor(pub: Redis, prefix: string, nodeId: string, logger: Logger) {
    this.#pub = pub;
    this.#prefix = prefix;
    this.#nodeId = nodeId;
    this.#logger = logger;
  }

  static async start(
    pub: Redis,
    sub: Redis,
    prefix: string,
    nodeId: string,
    logger: Logger,
  ): Promise<RedisBus> {
    const bus = new RedisBus(pub, prefix, nodeId, logger);
    const channel = bus.#channel(nodeId);
    sub.on('message', (from: string, raw: string) => {
      if (from === channel) bus.#receive(raw);
    });
    await sub.subscribe(channel);
    return bus;
  }

  #channel(node: string): string {
    return `${this.#prefix}node:${node}:bus`;
  }

  serve(handler: (body: unknown, from: string) => Promise<unknown>): void {
    this.#handler = handler;
  }

  async request(node: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new NodeUnreachableError(node, 'timeout'));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    const message: BusMessage = { t: 'q', id, from: this.#nodeId, reply: true, body };
    const receivers = await this.#pub.publish(this.#channel(node), JSON.stringify(message));
    if (receivers === 0) {
      const pending = this.#pending.get(id);
      if (pending) {
        clearTimeout(pending.timer);
        this.#pending.delete(id);
        pending.reject(new NodeUnreachableError(node, 'gone'));
      }
    }
    return answer;
  }

  async send(node: string, body: unknown): Promise<void> {
    const message: BusMessage = {
      t: 'q',
      id: randomUUID(),
      from: this.#nodeId,
      reply: false,
      body,
    };
    const receivers = await this.#pub.publish(this.#channel(node), JSON.stringify(message));
    if (receivers === 0) throw new NodeUnreachableError(node, 'gone');
  }

  #receive(raw: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(raw) as BusMessage;
    } catch {
      this.#logger.warn('malformed message on the node bus ignored');
      return;
    }
    if (message.t === 'a') {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      clearTimeout(pending.timer);
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(message.error));
      return;
    }
    if (message.t !== 'q' || typeof message.from !== 'string') return;
    const handler = this.#handler;
    void (async () => {
      let answer: BusMessage;
      try {
        if (!handler) throw new Error('this node serves no requests');
        answer = {
          t: 'a',
          id: message.id,
          ok: true,
          value: await handler(message.body, message.from),
        };
      } catch (error) {
        this.#logger.error({ err: error, from: message.from }, 'node request failed');
        answer = { t: 'a', id: message.id, ok: false, error: (error as Error).message };
      }
      if (message.reply)
        await this.#pub.publish(this.#channel(message.from), JSON.stringify(answer));
    })().catch((error: unknown) => this.#logger.error({ err: error }, 'node answer not sent'));
  }

  close(): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('this node is shutting down'));
      this.#pending.delete(id);
    }
  }
}
