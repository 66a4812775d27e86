import { describe, expect, it } from 'vitest';
import { PersonRateLimiter, TokenBucket } from '../../server/socket/RateLimiter.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    const burst = Array.from({ length: 7 }, () => bucket.take());
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    now += 100; // 10/s → one token per 100 ms
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10_000; // refills up to the burst, no further
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
  });
});

describe('PersonRateLimiter', () => {
  it('counts one person across calls, each person apart', async () => {
    const limiter = new PersonRateLimiter(5, 10);
    const first = await Promise.all(Array.from({ length: 12 }, () => limiter.take('p1')));
    expect(first.filter(Boolean)).toHaveLength(10);
    expect(await limiter.take('p2')).toBe(true);
  });
});
