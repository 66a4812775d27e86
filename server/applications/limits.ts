/**
 * How often the public page may ask for codes and links, counted in rate-limiter-flexible
 * limiters (memory in one process, Redis when nodes share state): per source address, per
 * device, per mobile number and per application number.
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../cluster/state.js';
import { fail } from '../errors.js';

/** Sends per window: [points, seconds]. */
export const LIMITS = {
  codePerPhone: [5, 3600],
  codePerPhoneBurst: [1, 60],
  codePerDevice: [5, 3600],
  codePerSource: [20, 3600],
  checkPerSource: [30, 600],
  linkPerSource: [10, 3600],
  linkPerNumber: [3, 3600],
} as const;

export type ApplicationLimiters = Record<keyof typeof LIMITS, RateLimiterAbstract>;

export function applicationLimiters(limiter: LimiterFactory): ApplicationLimiters {
  return Object.fromEntries(
    Object.entries(LIMITS).map(([name, [points, duration]]) => [
      name,
      limiter({ keyPrefix: `app-${name}`, points, duration }),
    ]),
  ) as ApplicationLimiters;
}

/** Counts one request against the limiter; refuses with the wait when the window is full. */
export async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes)
      throw fail('TOO_MANY_ATTEMPTS', { seconds: Math.ceil(error.msBeforeNext / 1000) });
    throw error;
  }
}
