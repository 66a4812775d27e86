import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** A token bucket: `ratePerSecond` sustained, `burst` at once. */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(ratePerSecond: number, burst: number, now: () => number = () => performance.now()) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + ((now - this.#updatedAt) / 1000) * this.#rate,
    );
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * The request rate of one person across all their connections, so opening
 * more sockets on one invitation buys no more rate. Built on
 * rate-limiter-flexible: its memory backend here, and a RateLimiterRedis (same
 * API) can be passed in when several nodes must share the limit.
 */
export class PersonRateLimiter {
  readonly #limiter: RateLimiterAbstract;

  constructor(ratePerSecond: number, burst: number, limiter?: RateLimiterAbstract) {
    // A window of `burst` requests lasting burst/rate seconds: about `rate` sustained, `burst` at once.
    this.#limiter =
      limiter ??
      new RateLimiterMemory({
        keyPrefix: 'socket-person',
        points: burst,
        duration: Math.max(1, Math.round(burst / ratePerSecond)),
      });
  }

  /** Whether `person` may make one more request now. */
  async take(person: string): Promise<boolean> {
    try {
      await this.#limiter.consume(person);
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  }
}
