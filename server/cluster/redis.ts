/**
 * The shared state in Redis (REDIS_URL): see state.ts. Loaded only when
 * configured; the only file (with the adapter) that imports the Redis client.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { redactUrl } from '../config.js';
import type { Logger } from '../logger.js';
import { LinkBus } from './link.js';
import { NodeIdInUseError, RedisBus, RedisPlacement } from './placement.js';
import type { LimiterFactory, RedisConfig, SharedState } from './state.js';

/** How long a node waits for Redis at start before refusing to start. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to Redis (three connections: commands, publish, subscribe) and
 * fails with a clear message when it cannot within 10 s: a node that started
 * without its shared state would split the deployment without anyone noticing.
 */
export async function openRedis(
  config: RedisConfig,
  logger: Logger,
  load: () => number | undefined,
): Promise<SharedState> {
  const log = logger.child({ component: 'shared-state' });
  const clients: Redis[] = [];
  const open = async (role: string, offlineQueue: boolean): Promise<Redis> => {
    const client = new Redis(config.url, {
      lazyConnect: true,
      connectionName: `mediation-${role}`,
      // Rate limit checks fail over to memory at once instead of waiting for Redis to return.
      enableOfflineQueue: offlineQueue,
      maxRetriesPerRequest: offlineQueue ? 20 : 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    let lastLogged = 0;
    client.on('error', (error: Error) => {
      // Reconnection repeats the same error: once every 10 s is enough to see it.
      if (Date.now() - lastLogged < 10_000) return;
      lastLogged = Date.now();
      log.error({ err: error, role }, 'redis connection failed');
    });
    clients.push(client);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)),
            CONNECT_TIMEOUT_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return client;
  };
  try {
    const commands = await open('commands', false);
    const pub = await open('publish', true);
    const sub = await open('subscribe', true);
    const busSub = await open('bus', true);
    const socketAdapter = createAdapter(pub, sub, {
      key: `${config.keyPrefix}socket.io`,
      // A node asked for its sockets answers within this, or is left out.
      requestsTimeout: 3_000,
    });
    const limiter: LimiterFactory = (options) =>
      new RateLimiterRedis({
        storeClient: commands,
        keyPrefix: `${config.keyPrefix}rl:${options.keyPrefix}`,
        points: options.points,
        duration: options.duration,
        rejectIfRedisNotReady: true,
        // Redis unreachable: each node counts alone until it returns (never unlimited).
        insuranceLimiter: new RateLimiterMemory(options),
      });
    const placement = await RedisPlacement.start(
      commands,
      config.keyPrefix,
      config.nodeId,
      load,
      log,
      config.directUrl,
    );
    const redisBus = await RedisBus.start(pub, busSub, config.keyPrefix, config.nodeId, log);
    // Relayed requests over a direct connection between nodes; Redis when it cannot be had.
    const bus = config.link
      ? await LinkBus.start({
          redis: commands,
          prefix: config.keyPrefix,
          nodeId: config.nodeId,
          host: config.link.host,
          secret: config.link.secret,
          fallback: redisBus,
          logger: log,
        })
      : redisBus;
    log.info({ keyPrefix: config.keyPrefix, nodeId: config.nodeId }, 'shared state in redis');
    return {
      shared: true,
      socketAdapter,
      limiter,
      cluster: { placement, bus },
      async close() {
        bus.close();
        await placement.close();
        await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      },
    };
  } catch (error) {
    for (const c of clients) c.disconnect();
    if (error instanceof NodeIdInUseError) throw error;
    throw new Error(
      `Cannot reach Redis at REDIS_URL (${redactUrl(config.url)}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
