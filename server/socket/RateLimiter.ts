import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryLimiter, type LimiterFactory } from '../cluster/state.js';

/**
 * A request rate limit per key (one connection, or one person across all
 * their connections so opening more sockets on one invitation buys no more
 * rate), built on rate-limiter-flexible instead of a hand-written token bucket.
 *
 * Its counters are in memory, or in Redis when `limiters` is the shared
 * state's factory (several nodes count one person's requests together).
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
    limiters: LimiterFactory = memoryLimiter,
  ) {
    this.#limiter = limiters({
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
