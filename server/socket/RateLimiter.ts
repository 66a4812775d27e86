import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * A request rate limit per key (one connection, or one person across all
 * their connections so opening more sockets on one invitation buys no more
 * rate), built on rate-limiter-flexible instead of a hand-written token bucket.
 *
 * It keeps its counters in memory (RateLimiterMemory) today. Its Redis backend
 * (RateLimiterRedis, same API) can be passed in as `limiter` when several
 * nodes must share one limit.
 *
 * The limit is a window of `burst` requests lasting burst/rate seconds: the
 * same sustained rate and burst as the token bucket it replaces, except that
 * a client may spend a second burst right after a window turns over.
 */
export class RequestRateLimiter {
  readonly #limiter: RateLimiterAbstract;

  constructor(
    keyPrefix: string,
    ratePerSecond: number,
    burst: number,
    limiter?: RateLimiterAbstract,
  ) {
    this.#limiter =
      limiter ??
      new RateLimiterMemory({
        keyPrefix,
        points: burst,
        duration: Math.max(1, Math.round(burst / ratePerSecond)),
      });
  }

  /** Whether `key` may make one more request now. */
  async take(key: string): Promise<boolean> {
    try {
      await this.#limiter.consume(key);
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  }
}
